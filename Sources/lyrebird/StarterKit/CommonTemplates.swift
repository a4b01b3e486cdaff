/// Templates every starter package has, whatever its language.
enum CommonTemplates {
    static let providerFixtures = [
        "fixtures.yaml": #"""
        # What the example provider answers with: fixtures choose replies, the provider only
        # translates. Reference: configuration.md in the Lyrebird repository.
        fixtures:
          - name: greet
            match: {model: demo, user: hello}   # an exact model: the host lists it in its models
            reply: {content: "Hello from {{NAME}}!"}
          - name: busy
            match: {user: fail}
            reply: {error: {status: 429, message: "slow down"}}

        """#
    ]

    static let responderFixtures = [
        "fixtures.yaml": #"""
        # Every request is answered by the example responder, whatever its wire format.
        # Reference: configuration.md in the Lyrebird repository.
        fixtures:
          - reply: {responder: {{NAME}}, params: {pause_ms: 10}}

        """#
    ]
}

extension DashboardFiles {
    /// The page: four views under one header, filled by `app.js`.
    static let page = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Lyrebird</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="/_lyrebird/ui/app.css">
        <script src="/_lyrebird/ui/app.js" defer></script>
        </head>
        <body>
        <header>
          <h1>Lyrebird</h1>
          <nav aria-label="Views">
            <button type="button" data-view="fixtures" aria-current="page">Fixtures</button>
            <button type="button" data-view="journal">Journal <span id="journal-count" class="count">0</span></button>
            <button type="button" data-view="usage">Usage</button>
            <button type="button" data-view="try">Test panel</button>
          </nav>
          <span id="status" role="status" aria-live="polite"></span>
        </header>
        <main>
          <section id="token" hidden>
            <h2>Admin token</h2>
            <form id="token-form">
              <label for="token-input">This host wants its admin token (<code>settings.admin_token</code>).</label>
              <input id="token-input" type="password" autocomplete="off" required>
              <button type="submit">Use it</button>
            </form>
          </section>

          <section id="fixtures" data-view-panel>
            <h2>Fixtures <small>in match order</small></h2>
            <table>
              <thead><tr><th>#</th><th>Id</th><th>Match</th><th>Reply</th><th>Hits</th><th>Origin</th><th></th></tr></thead>
              <tbody id="fixture-rows"></tbody>
            </table>
            <form id="fixture-form" novalidate>
              <h3 id="fixture-form-title">New fixture</h3>
              <label for="fixture-text">A fixture in YAML or JSON, with the keys of a fixture file</label>
              <textarea id="fixture-text" rows="7" spellcheck="false" aria-describedby="fixture-error">match: {user: hello}
        reply: {content: "Hi there!"}</textarea>
              <p id="fixture-error" class="error" role="alert"></p>
              <button type="submit" id="fixture-save">Create</button>
              <button type="button" id="fixture-cancel" hidden>Cancel</button>
            </form>
          </section>

          <section id="journal" data-view-panel hidden>
            <h2>Journal <small id="journal-rate"></small></h2>
            <table>
              <thead><tr><th>Time</th><th>Request</th><th>Model</th><th>Context</th><th>Answered by</th><th>Status</th><th>ms</th></tr></thead>
              <tbody id="journal-rows"></tbody>
            </table>
            <div id="journal-detail" class="detail" hidden></div>
          </section>

          <section id="usage" data-view-panel hidden>
            <h2>Usage</h2>
            <figure><figcaption>Requests per hour, by endpoint (the last 24 hours)</figcaption><div id="chart-requests" class="chart"></div></figure>
            <figure><figcaption>Requests by API key</figcaption><div id="chart-keys" class="chart"></div></figure>
            <figure><figcaption>Quota use of each listed key, in the window of now (% of each limit of its plan)</figcaption><div id="chart-quotas" class="chart"></div></figure>
            <figure><figcaption>Response times of the newest requests (ms)</figcaption><div id="chart-latency" class="chart"></div></figure>
          </section>

          <section id="try" data-view-panel hidden>
            <h2>Test panel</h2>
            <form id="try-form">
              <label for="try-endpoint">Endpoint</label>
              <select id="try-endpoint">
                <option value="chat">OpenAI chat completions</option>
                <option value="responses">OpenAI Responses</option>
                <option value="messages">Anthropic messages</option>
                <option value="websocket">OpenAI chat over a WebSocket session</option>
              </select>
              <label for="try-model">Model</label>
              <input id="try-model" value="gpt-4o-mini" required>
              <label for="try-message">Message</label>
              <textarea id="try-message" rows="3" required>hello</textarea>
              <label><input type="checkbox" id="try-stream" checked> Stream</label>
              <button type="submit">Send</button>
            </form>
            <p>Answered by <strong id="try-fixture">…</strong>, status <strong id="try-status">…</strong></p>
            <pre id="try-reply" aria-live="polite"></pre>
          </section>
        </main>
        </body>
        </html>
        """#
}

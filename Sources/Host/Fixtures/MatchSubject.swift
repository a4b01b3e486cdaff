import LyrebirdPluginAPI

/// One request as the fixtures of one snapshot see it. Each field is examined once, on first
/// use, for every fixture at the same time: its exact-value id and the `contains` needles that
/// occur in it.
final class MatchSubject {
    let request: CanonicalRequest
    private let indexes: [FieldIndex]
    private var views: [FieldView?] = [nil, nil, nil]

    /// What one field of the request holds, in the terms of the indexes.
    private struct FieldView {
        let text: String
        let exactValueID: Int?
        let needles: NeedleSet
    }

    init(_ request: CanonicalRequest, indexes: [FieldIndex]) {
        self.request = request
        self.indexes = indexes
    }

    func text(_ field: MatchField) -> String {
        view(field).text
    }

    func exactValueID(_ field: MatchField) -> Int? {
        view(field).exactValueID
    }

    func contains(_ needle: Int, in field: MatchField) -> Bool {
        view(field).needles.contains(needle)
    }

    private func view(_ field: MatchField) -> FieldView {
        if let view = views[field.rawValue] { return view }
        let index = indexes[field.rawValue]
        let text = field.text(of: request)
        let needles = index.needles.needleCount == 0 ? NeedleSet(capacity: 0) : index.needles.search(Array(text.lowercased().utf8))
        let view = FieldView(text: text, exactValueID: index.exactValues[text], needles: needles)
        views[field.rawValue] = view
        return view
    }
}

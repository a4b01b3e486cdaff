import Foundation
import LyrebirdPluginAPI
import Yams

extension ConfigDecoder {
    /// Decodes `plugins:`: a list whose items are a path, or `{path: ..., config: ...}`.
    /// Relative paths resolve from the config file's folder.
    mutating func decodePlugins(_ node: Node) -> [PluginSpec] {
        guard let sequence = node.sequence else {
            report(node, key: "plugins", "must be a list of plugin paths or {path, config} mappings")
            return []
        }
        var specs: [PluginSpec] = []
        for (index, item) in sequence.enumerated() {
            let path = "plugins[\(index)]"
            if let text = item.string, item.scalar != nil {
                specs.append(PluginSpec(path: resolvePath(text)))
                continue
            }
            guard let mapping = item.mapping else {
                report(item, key: path, "must be a path or a mapping with path and config")
                continue
            }
            var file: String?
            var configuration = JSONValue.null
            for (keyNode, value) in mapping {
                let key = keyNode.string ?? ""
                switch key {
                case "path": file = string(value, path: "\(path).path")
                case "config": configuration = jsonValue(value)
                default: report(keyNode, key: "\(path).\(key)", "unknown key (expected path, config)")
                }
            }
            guard let file else {
                if mapping["path"] == nil { report(item, key: "\(path).path", "missing: every plugin needs a path") }
                continue
            }
            specs.append(PluginSpec(path: resolvePath(file), configuration: configuration))
        }
        return specs
    }

    /// `path` as given when absolute; otherwise relative to the folder of the config file.
    func resolvePath(_ path: String) -> String {
        guard !path.hasPrefix("/"), !file.hasPrefix("<") else { return path }
        let folder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
    }
}

/// A C function's name and types, parsed from an extension manifest line such as
/// `haversine_km double(double,double,double,double)`.
struct NativeSignature: Sendable {
    enum ValueType: String, Sendable, CaseIterable {
        case void, int32, int64, float, double, string, bytes
    }

    let symbol: String
    let result: ValueType
    let arguments: [ValueType]

    init(parsing line: String, file: String) throws(LuaNativeError) {
        let parts = line.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
        guard parts.count == 2, let open = parts[1].firstIndex(of: "("), parts[1].hasSuffix(")") else {
            throw LuaNativeError(file: file, message: "manifest line \(line.debugDescription) is not `name type(type,...)`")
        }
        symbol = String(parts[0])
        let signature = parts[1]
        let known = ValueType.allCases.map(\.rawValue).joined(separator: ", ")
        let resultName = signature[..<open].trimmingCharacters(in: .whitespaces)
        guard let result = ValueType(rawValue: resultName), result != .bytes else {
            throw LuaNativeError(
                file: file,
                message: "\(symbol): unknown return type \(resultName.debugDescription) (known: \(known); bytes is for arguments)")
        }
        self.result = result
        let list = signature[signature.index(after: open)..<signature.index(before: signature.endIndex)]
        var arguments: [ValueType] = []
        for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let type = ValueType(rawValue: name), type != .void else {
                throw LuaNativeError(file: file, message: "\(symbol): unknown argument type \(name.debugDescription) (known: \(known))")
            }
            arguments.append(type)
        }
        self.arguments = arguments
    }
}

/// A fault the configuration applies beyond one fixture (`faults:` at the top of the file, or
/// a context's profile): to every request, or to the requests for some models.
public struct FaultRule: Sendable {
    /// The fault.
    public var fault: Fault
    /// The models it applies to: an exact id, or a glob with `*`; `nil` for every model.
    public var model: String?

    /// Creates a rule applying `fault` to the requests for `model` (every request without one).
    public init(_ fault: Fault, model: String? = nil) {
        self.fault = fault
        self.model = model
    }
}

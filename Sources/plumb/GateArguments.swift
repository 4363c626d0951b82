import ArgumentParser
import PlumbKit

extension GateOptions.FailOn: ExpressibleByArgument {}
extension GateOptions.Indeterminate: ExpressibleByArgument {}
extension ShowLevel: ExpressibleByArgument {}
extension Severity: ExpressibleByArgument {}

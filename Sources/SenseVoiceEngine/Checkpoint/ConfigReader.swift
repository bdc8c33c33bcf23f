// Reading a FunASR `config.yaml` (SenseVoiceSmall, FSMN-VAD): typed values, every problem collected.

import Foundation
import SenseVoiceTensor
import Yams

/// Typed values out of a parsed `config.yaml` that collects every problem on the way instead of
/// stopping at the first, so one error names them all.
///
/// Values may arrive as integers, doubles or strings (YAML writers differ); `null` counts as missing.
/// A read that fails records a problem naming `section.key` and returns the default (or 0), so a
/// caller reads everything, checks what depends on several values only while ``problems`` is empty,
/// and ends with ``finish(_:)``.
struct ConfigReader {
    /// The file named in the error.
    let source: String
    private(set) var problems: [String] = []
    /// The file's top-level mapping, when the reader was made from its text.
    private(set) var root: [String: Any] = [:]

    init(source: String) {
        self.source = source
    }

    /// A reader of the YAML `text` (its top-level mapping in ``root``) that has checked the file's
    /// `model` key, when it has one, against `model`; `why` ends the problem it reports otherwise.
    /// - Throws: `SenseVoiceError(.configInvalid)` when the text is not a YAML mapping.
    init(yaml text: String, source: String, model: String, _ why: String) throws {
        self.init(source: source)
        root = try Self.mapping(yaml: text, source: source)
        if let found = optionalString(root, "model"), found != model { report("model is \(found), \(why)") }
    }

    /// The text of the config file at `path`; `what` names it in the error ("model config").
    /// - Throws: `SenseVoiceError(code)` naming the file and the reason.
    static func text(ofFile path: String, _ what: String, code: SenseVoiceError.Code = .fileNotFound) throws -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SenseVoiceError(code, "cannot read \(what) \(path): \(error.localizedDescription)")
        }
    }

    /// The top-level mapping of YAML `text`.
    /// - Throws: `SenseVoiceError(.configInvalid)` when the text is not YAML or not a mapping.
    static func mapping(yaml text: String, source: String) throws -> [String: Any] {
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch {
            throw SenseVoiceError(.configInvalid, "\(source) is not valid YAML: \(error)")
        }
        guard let map = root as? [String: Any] else {
            throw SenseVoiceError(.configInvalid, "\(source) is not a YAML mapping")
        }
        return map
    }

    /// What an integer must be.
    enum IntRule {
        case any
        /// A dimension: 1 …< 1 000 000.
        case positive
        /// A count that may be 0: 0 …< 1 000 000.
        case nonNegative
    }

    /// Records `problem` (a sentence fragment naming the key, e.g. `encoder_conf.kernel_size 10 must be odd`).
    mutating func report(_ problem: String) {
        problems.append(problem)
    }

    /// The mapping `key` of `root`; nil (with a problem when `required`) when it is missing or not a mapping.
    mutating func section(_ root: [String: Any], _ key: String, required: Bool = true) -> [String: Any]? {
        guard let value = Self.value(root, key) else {
            if required { report("missing section \(key)") }
            return nil
        }
        guard let map = value as? [String: Any] else {
            report("\(key) is not a mapping")
            return nil
        }
        return map
    }

    /// The integer `section.key`; `fallback` when it is missing (a problem when there is none).
    /// A missing `map` (its section already reported) gives `fallback ?? 0` silently.
    mutating func int(_ map: [String: Any]?, _ key: String, in section: String, default fallback: Int? = nil,
                      _ rule: IntRule = .any) -> Int {
        guard let map else { return fallback ?? 0 }
        guard let raw = Self.value(map, key) else {
            if fallback == nil { report("missing \(Self.name(section, key))") }
            return fallback ?? 0
        }
        let value = Self.integer(raw)
        switch rule {
        case .any:
            guard let value else {
                report("\(Self.name(section, key)) is \(raw), not an integer")
                return fallback ?? 0
            }
            return value
        case .positive, .nonNegative:
            let low = rule == .positive ? 1 : 0
            guard let value, value >= low, value < 1_000_000 else {
                report("\(Self.name(section, key)) must be a \(rule == .positive ? "positive" : "non-negative") integer, found \(raw)")
                return fallback ?? 0
            }
            return value
        }
    }

    /// The number `section.key` (integers, doubles or numeric strings); `fallback` when missing.
    mutating func double(_ map: [String: Any]?, _ key: String, in section: String, default fallback: Double) -> Double {
        guard let map, let raw = Self.value(map, key) else { return fallback }
        switch raw {
        case let v as Int: return Double(v)
        case let v as Double: return v
        case let v as Float: return Double(v)
        case let v as String:
            if let d = Double(v.trimmingCharacters(in: .whitespaces)) { return d }
        default: break
        }
        report("\(Self.name(section, key)) is \(raw), not a number")
        return fallback
    }

    /// The string `section.key`; `fallback` when missing.
    mutating func string(_ map: [String: Any]?, _ key: String, in section: String, default fallback: String) -> String {
        guard let map, let raw = Self.value(map, key) else { return fallback }
        guard let v = raw as? String else {
            report("\(Self.name(section, key)) is \(raw), not a string")
            return fallback
        }
        return v
    }

    /// The string `section.key`, or nil when it is missing or not a string (optional settings).
    func optionalString(_ map: [String: Any]?, _ key: String) -> String? {
        map.flatMap { Self.value($0, key) } as? String
    }

    /// The integer list `section.key` (a single integer counts as a list of one); `fallback` when missing.
    mutating func intList(_ map: [String: Any]?, _ key: String, in section: String, default fallback: [Int]) -> [Int] {
        guard let map, let raw = Self.value(map, key) else { return fallback }
        if let v = raw as? [Int] { return v }
        if let v = raw as? Int { return [v] }
        report("\(Self.name(section, key)) is \(raw), not a list of integers")
        return fallback
    }

    /// Throws one error naming every problem recorded, if any.
    /// - Parameter what: what the file should have been, e.g. `SenseVoiceSmall config`.
    /// - Throws: `SenseVoiceError(.configInvalid)`.
    func finish(_ what: String) throws {
        guard !problems.isEmpty else { return }
        throw SenseVoiceError(.configInvalid, "\(source) is not a usable \(what): \(problems.joined(separator: "; ")). Fix the file or download the model again.")
    }

    /// An integral number as an `Int`: integers, integral doubles, and strings holding either.
    private static func integer(_ raw: Any) -> Int? {
        switch raw {
        case let i as Int: return i
        case let d as Double: return d == d.rounded() && abs(d) < 1e15 ? Int(d) : nil
        case let s as String:
            let t = s.trimmingCharacters(in: .whitespaces)
            return Int(t) ?? Double(t).flatMap { integer($0) }
        default: return nil
        }
    }

    private static func value(_ map: [String: Any], _ key: String) -> Any? {
        guard let raw = map[key], !(raw is NSNull) else { return nil }
        return raw
    }

    private static func name(_ section: String, _ key: String) -> String {
        section.isEmpty ? key : "\(section).\(key)"
    }
}

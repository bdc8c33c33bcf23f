// Unit tests of am.mvn parsing and CMVN application (spec §2.3).

import Foundation
import SenseVoiceEngine
import SenseVoiceTestSupport
import Testing

@Suite struct FrontendCMVNTests {
    static var fixturePath: String { Fixtures.tinyModel.appendingPathComponent("am.mvn").path }

    @Test func parsesFixture() throws {
        let cmvn = try CMVN(amMvnPath: Self.fixturePath)
        #expect(cmvn.dimension == 560)
        #expect(cmvn.shift.count == 560 && cmvn.scale.count == 560)
        // First and last values of the <AddShift> and <Rescale> lines; the [ 0 ] Splice block is skipped.
        #expect(cmvn.shift.first == -14.725 && cmvn.shift.last == -8.4156)
        #expect(cmvn.scale.first == 0.450431 && cmvn.scale.last == 0.276765)
        #expect(throws: Never.self) { try cmvn.check(featureDimension: 560) }
    }

    /// A well-formed file with `dim` values, which each case below breaks in one way.
    static func text(dim: Int = 3, shift: String? = nil, scale: String? = nil) -> String {
        let s = shift ?? (0..<dim).map { "\(-Double($0) - 1)" }.joined(separator: " ")
        let r = scale ?? (0..<dim).map { "\(0.5 + Double($0))" }.joined(separator: " ")
        return """
        <Nnet>
        <Splice> \(dim) \(dim)
        [ 0 ]
        <AddShift> \(dim) \(dim)
        <LearnRateCoef> 0 [ \(s) ]
        <Rescale> \(dim) \(dim)
        <LearnRateCoef> 0 [ \(r) ]
        </Nnet>

        """
    }

    @Test func parsesText() throws {
        let cmvn = try CMVN(amMvnText: Self.text())
        #expect(cmvn.shift == [-1, -2, -3])
        #expect(cmvn.scale == [0.5, 1.5, 2.5])
    }

    static let malformed: [(name: String, text: String, mentions: String)] = [
        ("empty file", "", "empty"),
        ("whitespace only", " \n\t\n", "empty"),
        ("missing <AddShift>", text().replacingOccurrences(of: "<AddShift>", with: "<Shift>"), "<AddShift>"),
        ("missing <Rescale>", text().replacingOccurrences(of: "<Rescale>", with: "<Scale>"), "<Rescale>"),
        ("wrong count", text(shift: "-1 -2"), "declares 3 values"),
        ("scale count", text(scale: "1 2 3 4"), "declares 3 values"),
        ("non-number", text(shift: "-1 abc -3"), "'abc'"),
        ("not finite", text(scale: "1 nan 3"), "'nan'"),
        ("no closing bracket", text().replacingOccurrences(of: "-3.0 ]", with: "-3.0"), "closing"),
        ("no <LearnRateCoef>", text().replacingOccurrences(of: "<AddShift> 3 3\n<LearnRateCoef> 0 [", with: "<AddShift> 3 3\n["), "<LearnRateCoef>"),
        ("bad header", text().replacingOccurrences(of: "<Rescale> 3 3", with: "<Rescale>"), "<Rescale> D D"),
        ("truncated", "<Nnet>\n<AddShift> 3 3", "not followed"),
    ]

    @Test(arguments: malformed)
    func rejectsMalformed(name: String, text: String, mentions: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cmvn-test-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("am.mvn").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: SenseVoiceError.self, "\(name)") { try CMVN(amMvnPath: path) }
        #expect(error?.code == .modelFileCorrupt, "\(name): \(String(describing: error))")
        #expect(error?.message.contains(path) == true, "\(name): message must name the file: \(error?.message ?? "")")
        #expect(error?.message.contains(mentions) == true, "\(name): message must say '\(mentions)': \(error?.message ?? "")")
    }

    @Test func missingFile() {
        let error = #expect(throws: SenseVoiceError.self) { try CMVN(amMvnPath: "/nonexistent/am.mvn") }
        #expect(error?.code == .fileNotFound)
        #expect(error?.message.contains("/nonexistent/am.mvn") == true)
    }

    @Test func dimensionCheck() throws {
        let cmvn = try CMVN(amMvnText: Self.text())
        let error = #expect(throws: SenseVoiceError.self) { try cmvn.check(featureDimension: 560) }
        #expect(error?.code == .modelFileCorrupt)
    }

    @Test func addsThenMultiplies() {
        let cmvn = CMVN(shift: [1, -2], scale: [2, 0.5])
        let out = cmvn.apply(Tensor(shape: [2, 2], values: [1, 2, 3, 4]))
        #expect(out.shape == [2, 2])
        #expect(out.array == [4, 0, 8, 1])
        #expect(cmvn.apply(Tensor(shape: [0, 2], values: [])).shape == [0, 2])
    }
}

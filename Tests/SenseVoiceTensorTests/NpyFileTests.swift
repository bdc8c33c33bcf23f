import Foundation
import Testing
import SenseVoiceTensor
import SenseVoiceTestSupport

@Suite struct NpyFileTests {
    @Test func roundTripsFloat32() throws {
        let data = NpyArray.encode(shape: [2, 3], floats: [1, 2, 3, 4, 5, -6.5])
        let a = try NpyArray(data: data)
        #expect(a.shape == [2, 3])
        #expect(a.floats == [1, 2, 3, 4, 5, -6.5])
    }

    @Test func readsGoldenFbank() throws {
        let a = try Fixtures.npy("en", "fbank.npy")
        #expect(a.shape == [638, 80])
    }

    @Test func rejectsGarbage() {
        #expect(throws: SenseVoiceError.self) { try NpyArray(data: Data("hello".utf8)) }
    }
}

import LyrebirdPluginAPI
import Testing

@testable import LyrebirdHost

/// Clients pick the conversation a Lua store keeps values under, so the store must stay bounded
/// however many they invent.
@Suite struct LuaStoreTests {
    @Test func conversationsWrittenLeastRecentlyAreDroppedPastTheBound() {
        let store = LuaStore(maximumBytes: 10_000)
        for index in 0..<1000 {
            #expect(store.scope(for: "c\(index)").set("turns", .integer(Int64(index)), bytes: 100))
        }
        // About 10,000 / (100 + 5 + 64) conversations fit; the newest are those kept.
        #expect(store.scope(for: "c999").get("turns") == .integer(999))
        #expect(store.scope(for: "c960").get("turns") == .integer(960))
        #expect(store.scope(for: "c0").get("turns") == nil)
        #expect(store.scope(for: "c900").get("turns") == nil)
    }

    @Test func aConversationWrittenAgainIsKept() {
        let store = LuaStore(maximumBytes: 2_000)
        let kept = store.scope(for: "kept")
        #expect(kept.set("a", .string("first"), bytes: 100))
        for index in 0..<100 {
            #expect(store.scope(for: "c\(index)").set("v", .null, bytes: 0))
            #expect(store.scope(for: "c\(index)").set("v", .bool(true), bytes: 100))
            #expect(kept.set("a", .integer(Int64(index)), bytes: 100))
        }
        #expect(kept.get("a") == .integer(99))
    }

    @Test func aValueLargerThanTheStoreIsRefusedAndRemovalsFreeRoom() {
        let store = LuaStore(maximumBytes: 1_000)
        let scope = store.scope(for: "one")
        #expect(!scope.set("big", .string("x"), bytes: 1_000))
        #expect(scope.get("big") == nil)
        #expect(scope.set("a", .string("x"), bytes: 400))
        #expect(scope.set("b", .string("y"), bytes: 400))
        #expect(scope.set("a", .null, bytes: 0))
        #expect(store.scope(for: "two").set("c", .string("z"), bytes: 400))
        #expect(scope.get("b") == .string("y"), "removing a key made room, so nothing was dropped")
    }
}

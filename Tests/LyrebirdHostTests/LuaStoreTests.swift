import LyrebirdPluginAPI
import Testing

@testable import LyrebirdHost

/// Clients pick the conversation a Lua store keeps values under, so the store must stay bounded
/// however many they invent.
@Suite struct LuaStoreTests {
    @Test func conversationsWrittenLeastRecentlyAreDroppedPastTheBound() {
        let store = LuaStore(maximumBytes: 10_000)
        for index in 0..<1000 {
            #expect(store.scope(.conversation, id: "c\(index)").set("turns", .integer(Int64(index)), bytes: 100))
        }
        // About 10,000 / (100 + 5 + 64) conversations fit; the newest are those kept.
        #expect(store.scope(.conversation, id: "c999").get("turns") == .integer(999))
        #expect(store.scope(.conversation, id: "c960").get("turns") == .integer(960))
        #expect(store.scope(.conversation, id: "c0").get("turns") == nil)
        #expect(store.scope(.conversation, id: "c900").get("turns") == nil)
    }

    @Test func aConversationWrittenAgainIsKept() {
        let store = LuaStore(maximumBytes: 2_000)
        let kept = store.scope(.conversation, id: "kept")
        #expect(kept.set("a", .string("first"), bytes: 100))
        for index in 0..<100 {
            #expect(store.scope(.conversation, id: "c\(index)").set("v", .null, bytes: 0))
            #expect(store.scope(.conversation, id: "c\(index)").set("v", .bool(true), bytes: 100))
            #expect(kept.set("a", .integer(Int64(index)), bytes: 100))
        }
        #expect(kept.get("a") == .integer(99))
    }

    @Test func aValueLargerThanTheStoreIsRefusedAndRemovalsFreeRoom() {
        let store = LuaStore(maximumBytes: 1_000)
        let scope = store.scope(.conversation, id: "one")
        #expect(!scope.set("big", .string("x"), bytes: 1_000))
        #expect(scope.get("big") == nil)
        #expect(scope.set("a", .string("x"), bytes: 400))
        #expect(scope.set("b", .string("y"), bytes: 400))
        #expect(scope.set("a", .null, bytes: 0))
        #expect(store.scope(.conversation, id: "two").set("c", .string("z"), bytes: 400))
        #expect(scope.get("b") == .string("y"), "removing a key made room, so nothing was dropped")
    }

    @Test func incrementsAreAtomicAndKeepIntegers() async {
        let store = LuaStore()
        let scope = store.scope(.conversation, id: "counted")
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<1000 { _ = try? scope.increment("n", by: .integer(1)) }
                }
            }
        }
        #expect(scope.get("n") == .integer(8000))
        #expect((try? scope.increment("n", by: .number(0.5))) == .number(8000.5))
        #expect(scope.set("word", .string("x"), bytes: 10))
        #expect(throws: LuaStore.IncrementError.notANumber("string")) { try scope.increment("word", by: .integer(1)) }
    }

    @Test func apiKeyPartitionsAreApartFromConversations() {
        let store = LuaStore()
        #expect(store.scope(.apiKey, id: "sk-a").set("n", .integer(1), bytes: 10))
        #expect(store.scope(.conversation, id: "sk-a").get("n") == nil)
        #expect(store.scope(.apiKey, id: "sk-b").get("n") == nil)
        #expect(store.scope(.apiKey, id: "sk-a").get("n") == .integer(1))
    }
}

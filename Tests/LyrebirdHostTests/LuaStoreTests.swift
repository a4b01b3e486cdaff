import Dispatch
import Foundation
import LyrebirdPluginAPI
import Testing

@testable import LyrebirdHost

/// Clients pick the conversation a Lua store keeps values under, so the store must stay bounded
/// however many they invent. A store's calls block their thread, as on a script thread, so the
/// tests call them from threads of their own.
@Suite struct LuaStoreTests {
    private func store(maximumBytes: Int = LuaStore.defaultMaximumBytes) throws -> LuaStore {
        LuaStore(engine: try SQLiteEngine(.memory), script: "test.lua", maximumBytes: maximumBytes)
    }

    /// Runs `body` on a thread that may block, and waits for it.
    private func onThread<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    @Test func conversationsWrittenLeastRecentlyAreDroppedPastTheBound() async throws {
        let store = try store(maximumBytes: 10_000)
        let value = JSONValue.string(String(repeating: "x", count: 98))
        try await onThread {
            for index in 0..<1000 { try store.scope(.conversation, id: "c\(index)").set("turns", value) }
        }
        // A value costs its 100 bytes of JSON, its key and 16 more, a partition 64 more: about
        // 10,000 / 185 conversations fit, and the newest are those kept.
        let kept = try await onThread {
            try (0..<1000).filter { try store.scope(.conversation, id: "c\($0)").get("turns") != nil }
        }
        #expect(kept == Array(1000 - kept.count..<1000))
        #expect((40...60).contains(kept.count))
    }

    @Test func aConversationWrittenAgainIsKept() async throws {
        let store = try store(maximumBytes: 2_000)
        let kept = store.scope(.conversation, id: "kept")
        let filler = JSONValue.string(String(repeating: "y", count: 90))
        try await onThread {
            try kept.set("a", .string("first"))
            for index in 0..<100 {
                try store.scope(.conversation, id: "c\(index)").set("v", filler)
                try kept.set("a", .integer(Int64(index)))
            }
        }
        #expect(try await onThread { try kept.get("a") } == .integer(99))
    }

    @Test func aValueLargerThanTheStoreIsRefusedAndRemovalsFreeRoom() async throws {
        let store = try store(maximumBytes: 1_000)
        let scope = store.scope(.conversation, id: "one")
        let big = JSONValue.string(String(repeating: "b", count: 1_000))
        let third = JSONValue.string(String(repeating: "t", count: 300))
        try await onThread {
            #expect(throws: LuaStore.Failure.tooLarge(limit: 1_000)) { try scope.set("big", big) }
            #expect(try scope.get("big") == nil)
            try scope.set("a", third)
            try scope.set("b", .string("y"))
            try scope.set("a", .null)
            try store.scope(.conversation, id: "two").set("c", third)
            #expect(try scope.get("b") == .string("y"), "removing a key made room, so nothing was dropped")
            #expect(try scope.get("a") == nil)
        }
    }

    @Test func incrementsAreAtomicAndKeepIntegers() async throws {
        let store = try store()
        let scope = store.scope(.conversation, id: "counted")
        try await onThread {
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                for _ in 0..<200 { _ = try? scope.increment("n", by: .integer(1)) }
            }
            #expect(try scope.get("n") == .integer(1600))
            #expect(try scope.increment("n", by: .number(0.5)) == .number(1600.5))
            try scope.set("word", .string("x"))
            #expect(throws: LuaStore.Failure.notANumber(key: "word", type: "string")) { try scope.increment("word", by: .integer(1)) }
        }
    }

    @Test func apiKeyPartitionsAreApartFromConversations() async throws {
        let store = try store()
        try await onThread {
            try store.scope(.apiKey, id: "sk-a").set("n", .integer(1))
            #expect(try store.scope(.conversation, id: "sk-a").get("n") == nil)
            #expect(try store.scope(.apiKey, id: "sk-b").get("n") == nil)
            #expect(try store.scope(.apiKey, id: "sk-a").get("n") == .integer(1))
        }
    }

    @Test func valuesOutliveTheStoreObjectInAFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lua-store-\(UInt64.random(in: 0...UInt64.max)).sqlite")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = LuaStore(engine: try SQLiteEngine(.sqlite(path: path)), script: "kept.lua")
        try await onThread { try first.scope(.apiKey, id: "k").set("plan", .object(["calls": .integer(3)])) }
        let second = LuaStore(engine: try SQLiteEngine(.sqlite(path: path)), script: "kept.lua")
        #expect(try await onThread { try second.scope(.apiKey, id: "k").get("plan") } == .object(["calls": .integer(3)]))
        let other = LuaStore(engine: try SQLiteEngine(.sqlite(path: path)), script: "other.lua")
        #expect(try await onThread { try other.scope(.apiKey, id: "k").get("plan") } == nil)
    }
}

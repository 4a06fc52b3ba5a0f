import CPNJSON
import Foundation
import Testing

@Suite struct JSONValueTests {
    @Test func keysKeepTheirOrderAndOptionalsAreLeftOut() {
        let value = JSONValue.members(("b", 1), ("a", "x"), ("gone", nil), ("list", [true, .array([]), .object([])]))
        #expect(value.pretty + "\n" == """
        {
          "b": 1,
          "a": "x",
          "list": [
            true,
            [],
            {}
          ]
        }

        """)
        #expect(value.rendered == #"{"b":1,"a":"x","list":[true,[],{}]}"#)
    }

    @Test func stringsAreEscapedAndParseBack() throws {
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{7} del \u{7F} rlo \u{202E} ü 🙂 </script>"
        let text = JSONValue.object([("s", .string(tricky))]).pretty
        #expect(text.contains("\\u0007") && text.contains("\\u007F") && text.contains("\\u202E"))
        #expect(!text.unicodeScalars.contains("\u{202E}"))
        #expect(text.contains("/script"), "slashes are not escaped")
        #expect(JSONValue.parse(text)?["s"]?.string == tricky)
    }

    @Test func surrogatePairsAreOneCharacterAndLoneOnesAreReplaced() {
        #expect(JSONValue.parse(#""\ud83d\ude42""#)?.string == "🙂")
        #expect(JSONValue.parse(#""\ud800x""#)?.string == "\u{FFFD}x")
    }

    @Test func numbersKeepTheirKind() {
        #expect(JSONValue.parse("[1, -2, 1.5, 1e3, 9223372036854775807]") == .array([.int(1), .int(-2), .double(1.5), .double(1000), .int(Int.max)]))
        #expect(JSONValue.parse("99999999999999999999")?.double == 1e20)
        #expect(JSONValue.double(.infinity).rendered == "null")
        #expect(JSONValue.double(3).int == 3 && JSONValue.double(3.5).int == nil)
    }

    @Test func hostileInputIsRefusedNotCrashedOn() {
        #expect(JSONValue.parse(String(repeating: "[", count: 10_000)) == nil)
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "\"\u{1}\"", "tru", "1 2", "{\"a\":1,}", "\"\\x\""] {
            #expect(JSONValue.parse(bad) == nil, "\(bad)")
        }
        #expect(JSONValue.parse(Data([0x22, 0xFF, 0x22])) == nil, "invalid UTF-8")
    }

    @Test func membersAreReadAndWrittenInPlace() {
        var body: JSONValue = ["model": "m", "stream": false]
        body["stream"] = true
        body["max_tokens"] = 5
        body["model"] = nil
        #expect(body.rendered == #"{"stream":true,"max_tokens":5}"#)
        #expect(body["missing"] == nil && body["stream"]?.bool == true)
        let list: JSONValue = [1, 2]
        #expect(list[1] == 2 && list[2] == nil && list["x"] == nil)
        #expect(JSONValue.object([("a", "x"), ("b", ["y"])]).mapStrings { $0.uppercased() }.rendered == #"{"a":"X","b":["Y"]}"#)
    }
}

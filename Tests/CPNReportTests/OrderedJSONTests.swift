@testable import CPNReport
import Foundation
import Testing

@Suite struct OrderedJSONTests {
    @Test func keysKeepTheirOrderAndOptionalsAreLeftOut() {
        let value = object(("b", 1), ("a", "x"), ("gone", nil), ("list", [true, .array([]), .object([])]))
        #expect(value.printed() == """
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
    }

    @Test func stringsAreEscapedAndParseBack() throws {
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{7} ü 🙂 </script>"
        let text = OrderedJSON.object([("s", .string(tricky))]).printed()
        #expect(text.contains("\\u0007"))
        #expect(text.contains("/script"), "slashes are not escaped")
        let parsed = try JSONValue.parse(text)
        #expect(parsed["s"]?.stringValue == tricky)
    }
}

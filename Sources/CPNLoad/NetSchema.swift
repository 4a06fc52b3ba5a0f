/// The JSON Schema of the net format, embedded so that `cpn-author schema`
/// works from any copy of the binary. Generated from
/// `specs/cpn-net.schema.json` by `make embed`; `make test` checks they agree.
public enum NetSchema {
    public static let json = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://cpn-author.dev/schemas/cpn-net-1.json",
  "title": "cpn-author colored Petri net, format version 1",
  "description": "A colored Petri net for cpn-author. Normative text: specs/net-format.md (structure), specs/expressions.md (expression strings). The schema checks shape only; `cpn-author check` also checks names, types and expressions.",
  "type": "object",
  "required": ["cpn", "places"],
  "additionalProperties": false,
  "properties": {
    "cpn": { "const": 1, "description": "Version of the net format. This cpn-author reads `cpn: 1`." },
    "name": { "type": "string", "description": "Name of the net used in reports; defaults to the file name." },
    "description": { "type": "string" },
    "constants": {
      "type": "object",
      "description": "Named values usable in every expression, e.g. `max_retries: 3`. Each value is an expression over earlier constants.",
      "propertyNames": { "$ref": "#/$defs/identifier" },
      "additionalProperties": { "$ref": "#/$defs/expression" }
    },
    "colors": {
      "type": "object",
      "description": "Named token types (colors).",
      "propertyNames": { "$ref": "#/$defs/identifier" },
      "additionalProperties": { "$ref": "#/$defs/color" }
    },
    "places": {
      "type": "object",
      "description": "Places hold multisets of tokens of one color. `name: Color` is short for `name: { color: Color }`.",
      "propertyNames": { "$ref": "#/$defs/identifier" },
      "additionalProperties": {
        "oneOf": [
          { "$ref": "#/$defs/colorReference" },
          { "$ref": "#/$defs/place" }
        ]
      }
    },
    "transitions": {
      "type": "object",
      "description": "Transitions consume tokens matching their input patterns and produce tokens on their output arcs.",
      "propertyNames": { "$ref": "#/$defs/identifier" },
      "additionalProperties": { "$ref": "#/$defs/transition" }
    },
    "invariants": {
      "type": "object",
      "description": "Boolean expressions over the marking that must hold in every reachable marking.",
      "propertyNames": { "$ref": "#/$defs/identifier" },
      "additionalProperties": {
        "oneOf": [
          { "$ref": "#/$defs/expression" },
          {
            "type": "object",
            "required": ["expr"],
            "additionalProperties": false,
            "properties": {
              "expr": { "$ref": "#/$defs/expression" },
              "description": { "type": "string", "description": "Why the invariant exists; shown in reports." }
            }
          }
        ]
      }
    },
    "leads_to": {
      "type": "object",
      "description": "Liveness properties `from ~> to`: from every reachable marking where `from` holds, every run eventually reaches a marking where `to` holds.",
      "propertyNames": { "$ref": "#/$defs/identifier" },
      "additionalProperties": {
        "type": "object",
        "required": ["from", "to"],
        "additionalProperties": false,
        "properties": {
          "from": { "$ref": "#/$defs/expression" },
          "to": { "$ref": "#/$defs/expression" },
          "description": { "type": "string", "description": "What the property promises; shown in reports." }
        }
      }
    },
    "final": {
      "$ref": "#/$defs/expression",
      "description": "Boolean expression over the marking naming the markings where the net is done. A dead marking that is not final is a deadlock."
    }
  },
  "$defs": {
    "identifier": {
      "type": "string",
      "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"
    },
    "expression": {
      "description": "An expression string in the cpn-author expression language (specs/expressions.md). Plain YAML integers and booleans are accepted as literals.",
      "type": ["string", "integer", "boolean"]
    },
    "colorReference": {
      "type": "string",
      "description": "A color name (`Proxy`, `Unit`, `Bool`; a bare `Int` is refused: write `{ int: [lo, hi] }`) or a tuple of colors written `(Proxy, Target)`."
    },
    "color": {
      "oneOf": [
        { "$ref": "#/$defs/colorReference" },
        {
          "type": "object",
          "additionalProperties": false,
          "minProperties": 1,
          "properties": {
            "enum": {
              "type": "array",
              "minItems": 1,
              "uniqueItems": true,
              "items": { "$ref": "#/$defs/identifier" },
              "description": "An enumeration: the listed case names, in order."
            },
            "int": {
              "type": "array",
              "minItems": 2,
              "maxItems": 2,
              "items": { "$ref": "#/$defs/expression" },
              "description": "The integers from low to high inclusive: `[low, high]`."
            },
            "record": {
              "type": "object",
              "minProperties": 1,
              "propertyNames": { "$ref": "#/$defs/identifier" },
              "additionalProperties": { "$ref": "#/$defs/color" },
              "description": "A record: field names mapped to colors."
            },
            "tuple": {
              "type": "array",
              "minItems": 2,
              "items": { "$ref": "#/$defs/color" },
              "description": "A tuple of colors."
            },
            "description": { "type": "string" }
          },
          "oneOf": [
            { "required": ["enum"] },
            { "required": ["int"] },
            { "required": ["record"] },
            { "required": ["tuple"] }
          ]
        }
      ]
    },
    "place": {
      "type": "object",
      "required": ["color"],
      "additionalProperties": false,
      "properties": {
        "color": { "$ref": "#/$defs/color" },
        "initial": {
          "$ref": "#/$defs/tokens",
          "description": "The initial marking. On a Unit place a bare integer N means N `()` tokens."
        },
        "capacity": {
          "anyOf": [
            { "type": "integer", "minimum": 0 },
            { "$ref": "#/$defs/expression" }
          ],
          "description": "Most tokens the place may hold; a firing that would exceed it is not enabled (backpressure). An integer or a constant expression (`MAX`)."
        },
        "order": {
          "type": "object",
          "description": "Consume tokens in priority order: only bindings taking a best-keyed token are enabled.",
          "additionalProperties": false,
          "minProperties": 1,
          "maxProperties": 1,
          "properties": {
            "highest": { "type": "string", "description": "Key function, e.g. \"t => t.prio\"." },
            "lowest": { "type": "string", "description": "Key function, e.g. \"t => t.attempt\"." }
          }
        },
        "description": { "type": "string" }
      }
    },
    "transition": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "in": {
          "type": "object",
          "description": "Input arcs: place name to pattern(s). Patterns bind variables; a variable used on two arcs joins them.",
          "propertyNames": { "$ref": "#/$defs/identifier" },
          "additionalProperties": { "$ref": "#/$defs/tokens" }
        },
        "read": {
          "type": "object",
          "description": "Read arcs: place name to pattern(s), bound like `in` patterns; the tokens must be there (ready) and stay: no change to the marking, no capacity effect.",
          "propertyNames": { "$ref": "#/$defs/identifier" },
          "additionalProperties": { "$ref": "#/$defs/tokens" }
        },
        "unless": {
          "type": "object",
          "description": "Inhibitor arcs: place name to pattern(s); enabled only while the place holds fewer than `count` (default 1) ready tokens matching the pattern (`_`: any token). The patterns bind nothing: their names are variables of `in`/`read` arcs.",
          "propertyNames": { "$ref": "#/$defs/identifier" },
          "additionalProperties": { "$ref": "#/$defs/tokens" }
        },
        "cancel": {
          "type": "object",
          "description": "Input arcs that take a token whatever its ready time (a timer still waiting): cancelling a timeout in one step.",
          "propertyNames": { "$ref": "#/$defs/identifier" },
          "additionalProperties": { "$ref": "#/$defs/tokens" }
        },
        "out": {
          "type": "object",
          "description": "Output arcs: place name to token expression(s); `expr @+ delay` makes the token ready later.",
          "propertyNames": { "$ref": "#/$defs/identifier" },
          "additionalProperties": { "$ref": "#/$defs/tokens" }
        },
        "guard": { "$ref": "#/$defs/expression", "description": "Boolean condition over the bound variables." },
        "weight": {
          "anyOf": [{ "type": "integer", "minimum": 1, "maximum": 1000000 }, { "$ref": "#/$defs/expression" }],
          "description": "How often simulate picks this transition's bindings relative to the others (default 1); verify ignores it."
        },
        "priority": {
          "anyOf": [{ "type": "integer" }, { "$ref": "#/$defs/expression" }],
          "description": "Among the transitions enabled in a marking only those of the highest priority fire (default 0; higher wins). An integer or a constant."
        },
        "kind": { "enum": ["system", "fault", "environment"], "default": "system", "description": "Who fires it when the net runs: `system` (the runtime), or `fault`/`environment`, explored by verify and simulate like any other transition but never fired by `run` on its own (`cpn-author inject` fires them)." },
        "expect": { "const": "dead", "description": "The transition must never be enabled (a defensive branch): verify reports it only if it becomes enabled, as a violation with its trace." },
        "description": { "type": "string" }
      }
    },
    "token": {
      "oneOf": [
        { "$ref": "#/$defs/expression" },
        {
          "type": "object",
          "required": ["token"],
          "additionalProperties": false,
          "properties": {
            "token": { "$ref": "#/$defs/expression" },
            "count": {
              "anyOf": [
                { "type": "integer", "minimum": 1 },
                { "$ref": "#/$defs/expression" }
              ],
              "description": "How many copies of the token: an integer or a constant expression (`BATCH`)."
            }
          }
        }
      ]
    },
    "tokens": {
      "oneOf": [
        { "$ref": "#/$defs/token" },
        { "type": "array", "items": { "$ref": "#/$defs/token" } }
      ]
    }
  }
}
"""#
}

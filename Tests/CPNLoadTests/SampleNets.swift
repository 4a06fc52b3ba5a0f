/// Small valid nets the loader tests start from: together they use every
/// part of the format (constants, enum/int/record/tuple colors, shorthand
/// places, Unit counts, `{token, count}`, `order`, guards, delays, joins,
/// invariants with quantifiers, `final`) and every YAML scalar style.
enum SampleNets {
    static let scraper = """
        cpn: 1
        name: polite-scraper
        constants:
          MAX_ATTEMPT: 3
        colors:
          Proxy:  { enum: [p1, p2] }
          Domain: { enum: [shop, news] }
          Target: { record: { domain: Domain, prio: { int: [0, 2] }, attempt: { int: [0, MAX_ATTEMPT] } } }
        places:
          proxies:     { color: Proxy, initial: [p1, p2] }
          domain_free: { color: Domain, initial: [shop, news] }
          targets:
            color: Target
            initial: ["{domain: shop, prio: 2, attempt: 0}", "{domain: news, prio: 1, attempt: 0}"]
            order: { highest: "t => t.prio" }
          in_flight:   { color: "(Proxy, Target)" }
          raw_html:    { color: Target, capacity: 4 }
          given_up:    { color: Target }
        transitions:
          start_fetch:
            in:  { proxies: p, targets: t, domain_free: t.domain }
            out: { in_flight: "(p, t)" }
          fetch_ok:
            in:  { in_flight: "(p, t)" }
            out: { proxies: p, domain_free: "t.domain @+ 5", raw_html: t }
          fetch_failed:
            in:  { in_flight: "(p, t)" }
            guard: t.attempt < MAX_ATTEMPT
            out: { proxies: p, domain_free: "t.domain @+ 5", targets: "{t with attempt: t.attempt + 1} @+ 2 ** t.attempt" }
          give_up:
            in:  { in_flight: "(p, t)" }
            guard: t.attempt == MAX_ATTEMPT
            out: { proxies: p, domain_free: t.domain, given_up: t }
        invariants:
          polite: "forall d in Domain: count(in_flight, (p, t) => t.domain == d) <= 1"
          no_lost_proxy: "size(proxies) + size(in_flight) == 2"
        final: "size(targets) == 0 && size(in_flight) == 0"

        """

    static let philosophers = """
        cpn: 1
        name: philosophers-3
        places:
          think0: { color: Unit, initial: 1 }
          fork0: { color: Unit, initial: 1 }
          hasLeft0: Unit
          eat0: Unit
          think1: { color: Unit, initial: 1 }
          fork1: { color: Unit, initial: 1 }
          hasLeft1: Unit
          eat1: Unit
          think2: { color: Unit, initial: 1 }
          fork2: { color: Unit, initial: 1 }
          hasLeft2: Unit
          eat2: Unit
        transitions:
          takeLeft0: { in: { think0: 1, fork0: 1 }, out: { hasLeft0: 1 } }
          takeRight0: { in: { hasLeft0: 1, fork1: 1 }, out: { eat0: 1 } }
          release0: { in: { eat0: 1 }, out: { think0: 1, fork0: 1, fork1: 1 } }
          takeLeft1: { in: { think1: 1, fork1: 1 }, out: { hasLeft1: 1 } }
          takeRight1: { in: { hasLeft1: 1, fork2: 1 }, out: { eat1: 1 } }
          release1: { in: { eat1: 1 }, out: { think1: 1, fork1: 1, fork2: 1 } }
          takeLeft2: { in: { think2: 1, fork2: 1 }, out: { hasLeft2: 1 } }
          takeRight2: { in: { hasLeft2: 1, fork0: 1 }, out: { eat2: 1 } }
          release2: { in: { eat2: 1 }, out: { think2: 1, fork2: 1, fork0: 1 } }

        """

    /// Block scalars, quoted scalars with escapes, a join, counts and delays.
    static let scalarStyles = """
        cpn: 1
        name: "rate \\"limiter\\""
        description: |
          Tokens refill a bucket; requests take one each.
        constants:
          CAP: 3
          REFILL: 'CAP - 1'
        colors:
          Client: { enum: [alice, bob] }
          Level: { int: [0, CAP] }
          Req: { tuple: [Client, Level] }
        places:
          bucket: { color: Unit, initial: 3, capacity: 3 }
          waiting: { color: Req, initial: [{ token: "(alice, 0)", count: 2 }, "(bob, 1)"] }
          served: Req
          budget: { color: Client, initial: [alice, bob] }
        transitions:
          serve:
            in: { bucket: 1, waiting: "(c, n)", budget: c }
            guard: >-
              n <= REFILL &&
              c != bob ||
              n == 1
            out:
              served: "(c, n)"
              budget: "c @+ 2"
          refill:
            in: { served: "(c, n)" }
            out: { bucket: 1 }
            guard: "n\\t>= 0 && \\u0063 == c"
        invariants:
          bounded: |
            size(bucket) <= CAP &&
            forall c in Client: count(waiting, (x, _) => x == c) <= 2
          quoted: { expr: 'size(served) >= 0', description: "it''s fine" }
        final: "size(waiting) == 0"

        """

    static let all = [("scraper", scraper), ("philosophers", philosophers), ("scalar-styles", scalarStyles)]
}

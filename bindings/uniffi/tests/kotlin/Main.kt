// Kotlin test of the uniffi binding: compiled with the generated `recobro` package
// against JNA and run on the JVM by bindings/uniffi/test.sh.
//
// Usage: MainKt <cases dir> <expected dir> <conformance items> <conformance expected dir> [<error corpus>]
//   <expected dir>/<name>.ndjson holds the line `recobro eval <name>.json --as-of ...` printed.
//   <conformance items> has one line per item of test-data/conformance/cases.json:
//   name, policy, as_of and the case JSON, separated by tabs (test.sh writes it);
//   <conformance expected dir>/<name>.json holds the item's decision bytes.
//   <error corpus> is test-data/conformance/errors.json, read here with a small JSON
//   reader (the test runs on the Kotlin standard library and JNA alone): every call must
//   fail with the corpus's code, message, path, line, column, module and help.
// The library must be built with the test-only `fault-injection` feature (test.sh does):
// the fault checks evaluate a case with the id FAULT_CASE_ID.

import recobro.*
import java.io.File
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess

const val AS_OF = "2026-03-16T15:00:00Z"

/** The case id on which the fault-injection build panics (recobro::policy::FAULT_CASE_ID). */
const val FAULT_CASE_ID = "__recobro_fault__"

var passed = 0
var failed = 0

fun check(name: String, ok: Boolean, detail: () -> String = { "" }) {
    if (ok) {
        passed++
        println("  ok   $name")
    } else {
        failed++
        println("  FAIL $name ${detail()}")
    }
}

/** Run [body] expecting a [RecobroException.Failure]; returns it, or null (and records a failure). */
fun expectFailure(name: String, body: () -> Unit): RecobroException.Failure? {
    try {
        body()
    } catch (e: RecobroException.Failure) {
        return e
    } catch (e: Throwable) {
        check(name, false) { "threw ${e::class.qualifiedName}: ${e.message}" }
        return null
    }
    check(name, false) { "no exception" }
    return null
}

fun main(args: Array<String>) {
    val casesDir = File(args.getOrElse(0) { "examples/data/cases" })
    val expectedDir = File(args.getOrElse(1) { "target/uniffi-gen/expected" })
    val corpusItems = File(args.getOrElse(2) { "target/uniffi-gen/conformance.tsv" })
    val corpusExpected = File(args.getOrElse(3) { "test-data/conformance/expected" })
    val files = casesDir.listFiles { f -> f.name.endsWith(".json") }!!.sortedBy { it.name }
    val cases = files.associate { it.nameWithoutExtension to it.readText() }

    println("engine ${engineVersion()}")
    val policy = Policy.default()
    val info = policy.info()
    check("default policy info", info.name == "consumer-default" && info.digest.startsWith("sha256:")) { info.toString() }

    // 1. Every sample case: the decision JSON equals the CLI's line byte for byte.
    println("decisions vs recobro eval")
    val reference = HashMap<String, String>()
    for ((name, json) in cases) {
        val expected = File(expectedDir, "$name.ndjson").readText().trimEnd('\n')
        val d = policy.evaluate(json, AS_OF)
        reference[name] = d.json
        check("$name: json equals the CLI's bytes", d.json == expected) {
            "\n    got      ${d.json.take(200)}\n    expected ${expected.take(200)}"
        }
        val typedOk = d.asOf == AS_OF &&
            expected.contains("\"case_id\":\"${d.caseId}\"") &&
            (d.action == null || d.action!!.earliestAt.isNotEmpty()) &&
            d.candidates.all { (it.verdict == Verdict.BLOCKED) == it.blockedBy.isNotEmpty() }
        check("$name: typed fields agree", typedOk) { d.toString().take(300) }
    }
    val pre = policy.evaluate(cases.getValue("preventive"), AS_OF)
    check(
        "typed action (kind, channel, template, priority, earliestAt)",
        pre.action?.kind == "contact" && pre.action?.channel == Channel.SMS &&
            pre.action?.template == "pre_due_reminder" && pre.action?.priority == 10L &&
            pre.action?.earliestAt == AS_OF,
    ) { pre.action.toString() }
    val cease = policy.evaluate(cases.getValue("cease_communication"), AS_OF)
    check(
        "all candidates blocked: blockedBy and compliance carry the rule",
        cease.action == null && cease.candidates.isNotEmpty() &&
            cease.candidates.all { it.verdict == Verdict.BLOCKED && it.blockedBy.contains("hold.cease_communication") } &&
            cease.compliance.any { it.rule == "hold.cease_communication" && it.outcome == Verdict.BLOCKED },
    ) { cease.candidates.toString().take(300) }
    val ext = policy.evaluate(cases.getValue("extrajudicial"), AS_OF)
    val plan = ext.offers.firstOrNull { it.kind == "plan" }
    check("offers: plan schedule with decimal strings", plan?.schedule != null && plan.schedule!!.installments.isNotEmpty() && plan.balance.contains(Regex("^[0-9.]+$"))) { ext.offers.toString().take(300) }
    val traced = policy.evaluate(cases.getValue("administrative"), AS_OF, trace = true)
    check("trace on request", traced.trace?.any { it.step == "facts" } == true && pre.trace == null)

    // Scores: the default policy takes its risk band from the embedded behavioural
    // scorecard, and the decision carries the score with its reason codes.
    println("scores")
    var scoredSamples = 0
    for ((name, json) in cases) {
        val expected = File(expectedDir, "$name.ndjson").readText()
        val d = policy.evaluate(json, AS_OF)
        val fragments = d.scores.map { s ->
            "{\"scorecard\":\"${s.scorecard}\",\"version\":\"${s.version}\",\"score\":${s.score},\"band\":\"${s.band}\"" +
                (s.probability?.let { ",\"probability\":\"$it\"" } ?: "") +
                (s.event?.let { ",\"event\":\"$it\"" } ?: "") +
                ",\"reasons\":[" + s.reasons.joinToString(",") { r ->
                    "{\"characteristic\":\"${r.characteristic}\",\"reason\":\"${r.reason}\",\"points\":${r.points},\"best\":${r.best}}"
                } + "]}"
        }
        check(
            "$name: typed scores are the CLI's",
            d.scores.size == Regex("\"scorecard\":").findAll(expected).count() &&
                (d.scores.isEmpty() || expected.contains("\"scores\":[" + fragments.joinToString(",") + "]")),
        ) { "${d.scores} vs ${expected.substringAfter("\"scores\":").take(300)}" }
        if (d.scores.isNotEmpty()) scoredSamples++
    }
    check("the default policy scores the sample cases", scoredSamples >= cases.size / 2) { "$scoredSamples of ${cases.size}" }
    // Worked by hand from rules/scorecards/behavioural.json: 15 days past due, no promise,
    // no payment, risk_score 300: 230 + 90 + 80 + 0 + 10 (no payment) + 180 = 590, band
    // low (>= 550); probability 1 / (1 + e^-(-5 + 5.90)) = 0.710950; reason codes by
    // shortfall: recent_payment 70, promises_kept 50, days_past_due 10.
    val scoredCase = """{"id": "S-1",
        "debtor": {"id": "D-1", "kind": "consumer", "jurisdiction": "CO", "timezone": "America/Bogota"},
        "debts": [{"id": "L-1", "currency": "COP", "original_amount": "1000000", "outstanding": "800000",
                   "issued_on": "2025-06-01", "due_on": "2026-03-01"}],
        "attributes": {"risk_score": 300}}"""
    val scored = policy.evaluate(scoredCase, AS_OF).scores
    val probability = scored.singleOrNull()?.probability
    check(
        "the probability is a decimal string equal to 0.710950",
        probability != null && java.math.BigDecimal(probability).compareTo(java.math.BigDecimal("0.710950")) == 0,
    ) { "$probability" }
    check(
        "the behavioural score, band and reason codes",
        scored == listOf(
            Score(
                scorecard = "behavioural", version = "1.0.0", score = 590L, band = "low",
                probability = probability, event = "pays within 30 days",
                reasons = listOf(
                    ScoreReason("recent_payment", "No recent payment", 10L, 80L),
                    ScoreReason("promises_kept", "Few kept payment promises", 0L, 50L),
                    ScoreReason("days_past_due", "Days past due on the oldest overdue debt", 90L, 100L),
                ),
            ),
        ),
    ) { scored.toString() }
    // A host scorecard in the options: 5 points below 10 days past due, 0 from 10 on;
    // band a from 3, else b. The second bin is on line 8.
    val house = listOf(
        "{",
        "  \"name\": \"house\",",
        "  \"version\": \"7\",",
        "  \"characteristics\": [",
        "    {\"id\": \"dpd\", \"fact\": \"days_past_due\", \"reason\": \"DPD\",",
        "     \"bins\": [",
        "       {\"to\": 10, \"points\": 5},",
        "       {\"from\": 10, \"points\": 0}",
        "     ]}",
        "  ],",
        "  \"bands\": [{\"name\": \"a\", \"min\": 3}, {\"name\": \"b\"}]",
        "}",
    ).joinToString("\n")
    val scoring = "fn segment(c) { c.score(\"house\").band }"
    val housed = Policy(scoring, scorecards = mapOf("house" to house)).evaluate(scoredCase, AS_OF)
    check(
        "a host scorecard is scored (15 DPD: 0 points, band b, no calibration)",
        housed.segment == "b" &&
            housed.scores == listOf(Score("house", "7", 0L, "b", null, null, listOf(ScoreReason("dpd", "DPD", 0L, 5L)))),
    ) { housed.scores.toString() }
    val gap = house.replace("{\"from\": 10, \"points\": 0}", "{\"from\": 12, \"points\": 0}")
    check("the gap is in the card", gap != house)
    expectFailure("a scorecard with a gap") { Policy(scoring, scorecards = mapOf("house" to gap)) }?.let { e ->
        check(
            "a gap between bins is policy.contract at the bin's line",
            e.code == "policy.contract" && e.line == 8u && e.module == "scorecards/house" && e.reason.contains("fall in no bin"),
        ) { "code=${e.code} line=${e.line} module=${e.module} ${e.reason}" }
    }
    expectFailure("a scorecard with a gap, as options JSON") {
        Policy.withOptionsJson(scoring, "{\"scorecards\": {\"house\": ${jsonString(gap)}}}")
    }?.let { e ->
        check("the same through the options JSON", e.code == "policy.contract" && e.line == 8u) { "code=${e.code} line=${e.line}" }
    }

    // Decision tables: a host table in the options, first hit on days past due: below 10
    // early (priority 1), 10 up to 30 mid (2), from 30 late (3); the rows on lines 8-10.
    println("tables")
    val houseTable = listOf(
        "{",
        "  \"name\": \"house\",",
        "  \"version\": \"3\",",
        "  \"hit\": \"first\",",
        "  \"inputs\": [{\"name\": \"dpd\", \"type\": \"number\"}],",
        "  \"outputs\": [\"segment\", \"priority\"],",
        "  \"rows\": [",
        "    {\"when\": {\"dpd\": \"..10\"}, \"then\": {\"segment\": \"early\", \"priority\": 1}},",
        "    {\"when\": {\"dpd\": \"10..30\"}, \"then\": {\"segment\": \"mid\", \"priority\": 2}},",
        "    {\"when\": {\"dpd\": \"30..\"}, \"then\": {\"segment\": \"late\", \"priority\": 3}}",
        "  ]",
        "}",
    ).joinToString("\n")
    val tabled = "fn segment(c) {\n    let t = c.table(\"house\", #{dpd: c.days_past_due});\n    `\${t.segment}-\${t.priority}`\n}"
    val tablePolicy = Policy(tabled, tables = mapOf("house" to houseTable))
    // Worked by hand from the table, as of 2026-03-16: due 2026-03-01 is 15 days past due
    // (row 2, 10 <= 15 < 30), due 2026-01-01 is 31 + 28 + 15 = 74 (row 3), due
    // 2026-03-11 is 5 (row 1).
    for ((dueOn, want) in listOf("2026-03-01" to "mid-2", "2026-01-01" to "late-3", "2026-03-11" to "early-1")) {
        val got = tablePolicy.evaluate(scoredCase.replace("2026-03-01", dueOn), AS_OF).segment
        check("a host table decides $dueOn: $want", got == want) { "$got" }
    }
    val viaJson = Policy.withOptionsJson(tabled, "{\"tables\": {\"house\": ${jsonString(houseTable)}}}")
    check("a host table through the options JSON", viaJson.evaluate(scoredCase, AS_OF).segment == "mid-2")
    // A row for 5 up to 8 days after the row below 10: every value it matches is matched
    // first by row 1, so row 2 (now on line 9) is never reached.
    val shadowed = houseTable.replace(
        "\"priority\": 1}},\n",
        "\"priority\": 1}},\n    {\"when\": {\"dpd\": \"5..8\"}, \"then\": {\"segment\": \"never\", \"priority\": 0}},\n",
    )
    check("the shadowed row is on line 9", shadowed.lines()[8].trimStart().startsWith("{\"when\": {\"dpd\": \"5..8\"}"))
    expectFailure("a table with a row never reached") { Policy(tabled, tables = mapOf("house" to shadowed)) }?.let { e ->
        check(
            "a row never reached is policy.contract at its line",
            e.code == "policy.contract" && e.line == 9u && e.module == "tables/house" &&
                e.reason.contains("row 2 is never reached"),
        ) { "code=${e.code} line=${e.line} module=${e.module} ${e.reason}" }
    }

    // The best contact moment: a flat host prior (0.1 at every local hour for calls) and a
    // New York debtor (UTC-5 in January) with three unanswered calls at 09:00 local (14:00Z)
    // and three conversations at 19:00 local (00:00Z the next day), all in December 2025.
    println("contact timing")
    val flatPrior = "{\"name\": \"flat\", \"version\": \"1\", \"channels\": {\"call\": {\"hours\": [" +
        List(24) { "\"0.1\"" }.joinToString(", ") + "]}}}"
    val timed = "fn contact_timing() { #{ prior: \"flat\", horizon_hours: 48, weight: 4 } }\n" +
        "fn actions(c) { [contact(\"call\", \"t\")] }"
    val nyContacts = listOf("01", "02", "03").map { d ->
        "{\"at\": \"2025-12-${d}T14:00:00Z\", \"channel\": \"call\", \"direction\": \"outbound\", " +
            "\"outcome\": \"no_answer\", \"debt_ids\": [\"A\"]}"
    } + listOf("11", "12", "13").map { d ->
        "{\"at\": \"2025-12-${d}T00:00:00Z\", \"channel\": \"call\", \"direction\": \"outbound\", " +
            "\"outcome\": \"conversation\", \"debt_ids\": [\"A\"]}"
    }
    val newYorker = "{\"id\": \"C\", \"debtor\": {\"id\": \"D\", \"kind\": \"consumer\", " +
        "\"jurisdiction\": \"US-NY\", \"timezone\": \"America/New_York\"}, " +
        "\"debts\": [{\"id\": \"A\", \"currency\": \"USD\", \"original_amount\": \"900\", " +
        "\"outstanding\": \"900\", \"issued_on\": \"2025-10-01\", \"due_on\": \"2025-11-01\"}], " +
        "\"contacts\": [" + nyContacts.joinToString(", ") + "]}"
    // Monday 12 January 2026, 10:00 in New York. Worked by hand: hour 19 has 3 attempts,
    // 3 reaching the debtor: (3 + 4 * 0.1) / (3 + 4) = 3.4 / 7 = 0.485714; hour 9:
    // 0.4 / 7 = 0.057143; any other hour 0.4 / 4 = 0.1. The best slot is Monday 19:00 local
    // (00:00Z Tuesday), lawful (Reg F: 8:00 to 21:00 local), the first asked about.
    val timedAsOf = "2026-01-12T15:00:00Z"
    val wantSlot = BestSlot(
        localHour = 19u, weekday = "mon", rate = "0.485714", attempts = 3u, rightParty = 3u,
        prior = "flat@1", priorRate = "0.1", priorWeight = "4", slotsChecked = 1u,
    )
    val timedPolicy = Policy(timed, priors = mapOf("flat" to flatPrior))
    val td = timedPolicy.evaluate(newYorker, timedAsOf)
    val tc = td.candidates[0]
    check("a host prior: the candidate's best_at", tc.bestAt == "2026-01-13T00:00:00Z") { "${tc.bestAt}" }
    check(
        "a host prior: rate 0.485714 from 3 attempts, 3 right party",
        tc.bestSlot?.rate == "0.485714" && tc.bestSlot?.attempts == 3u && tc.bestSlot?.rightParty == 3u,
    ) { "${tc.bestSlot}" }
    check("a host prior: the whole best slot", tc.bestSlot == wantSlot) { "${tc.bestSlot}" }
    check(
        "the chosen action keeps earliest_at and carries best_at",
        td.action?.earliestAt == timedAsOf && td.action?.bestAt == "2026-01-13T00:00:00Z" && td.action?.bestSlot == wantSlot,
    ) { "${td.action}" }
    check("best_at in the decision JSON", td.json.contains("\"best_at\":\"2026-01-13T00:00:00Z\"")) { td.json }
    val timedViaJson = Policy.withOptionsJson(timed, "{\"priors\": {\"flat\": ${jsonString(flatPrior)}}}")
    check(
        "a host prior through the options JSON",
        timedViaJson.evaluate(newYorker, timedAsOf).candidates[0].bestSlot == wantSlot,
    )
    val untimed = Policy("fn actions(c) { [contact(\"call\", \"t\")] }").evaluate(newYorker, timedAsOf)
    check(
        "no contact_timing(): no best moment",
        untimed.candidates[0].bestAt == null && untimed.candidates[0].bestSlot == null && untimed.action?.bestAt == null,
    )
    val shortPrior = flatPrior.replaceFirst("\"0.1\", ", "")
    expectFailure("a prior with 23 hours") { Policy(timed, priors = mapOf("flat" to shortPrior)) }?.let { e ->
        check(
            "a prior with 23 hours is policy.contract in priors/flat",
            e.code == "policy.contract" && e.line == 1u && e.module == "priors/flat" && e.reason.contains("needs 24 rates"),
        ) { "code=${e.code} line=${e.line} module=${e.module} ${e.reason}" }
    }
    val dflt = Policy.default().evaluate(newYorker, timedAsOf)
    check(
        "the default policy's chosen call has a best moment from the consumer prior",
        dflt.action?.channel == Channel.CALL && dflt.action?.bestAt != null &&
            dflt.action!!.bestAt!! >= dflt.action!!.earliestAt &&
            dflt.action?.bestSlot?.prior?.startsWith("consumer@") == true &&
            dflt.json.contains("\"best_at\":\"${dflt.action!!.bestAt}\""),
    ) { "${dflt.action}" }

    // 2. Errors: the exception carries code, message (reason), line, column, path.
    println("errors")
    expectFailure("syntax error") { Policy("fn segment(c) {\n    let x = ;\n}\n") }?.let { e ->
        check("policy.syntax with line and column", e.code == "policy.syntax" && e.line == 2u && e.column != null && e.column!! > 0u) { "$e code=${e.code} line=${e.line} column=${e.column}" }
        check("exception message names the code", e.message?.contains("policy.syntax") == true && e.reason.isNotEmpty()) { e.message ?: "" }
        check(
            "the exception prints as the core renders it",
            e.toString() == e.display && e.display == "policy.syntax: ${e.reason} (line ${e.line}, column ${e.column})",
        ) { e.toString() }
    }
    val broken = Policy("fn segment(c) {\n    no_such_function(c)\n}\n")
    expectFailure("runtime error") { broken.evaluate(cases.getValue("preventive"), AS_OF) }?.let { e ->
        check("policy.runtime with its line", e.code == "policy.runtime" && e.line == 2u) { "code=${e.code} line=${e.line} ${e.reason}" }
    }
    val looping = Policy("fn segment(c) { let n = 0; loop { n += 1; } }", limits = Limits(maxOperations = 10_000uL))
    check("limits record round-trips", looping.limits().maxOperations == 10_000uL)
    expectFailure("limit error") { looping.evaluate(cases.getValue("preventive"), AS_OF) }?.let { e ->
        check("limit.operations", e.code == "limit.operations") { "code=${e.code} ${e.reason}" }
    }
    val badDate = cases.getValue("preventive").replace("\"due_on\": \"2026-03-18\"", "\"due_on\": \"18/03/2026\"")
    expectFailure("input error") { policy.evaluate(badDate, AS_OF) }?.let { e ->
        check("input.invalid with its path", e.code == "input.invalid" && e.path == "debts[0].due_on") { "code=${e.code} path=${e.path} ${e.reason}" }
    }
    expectFailure("bad as_of") { policy.evaluate(cases.getValue("preventive"), "2026-03-16 15:00") }?.let { e ->
        check("bad clock names as_of", e.code == "input.invalid" && e.path == "as_of") { "code=${e.code} path=${e.path}" }
    }
    expectFailure("not JSON") { policy.evaluate("{\"id\": ", AS_OF) }?.let { e ->
        check("input.json", e.code == "input.json") { "code=${e.code}" }
    }
    expectFailure("unknown import") { Policy("import \"house/nope\" as n;\nfn segment(c) { \"x\" }") }?.let { e ->
        check("policy.module with position", e.code == "policy.module" && e.line == 1u) { "code=${e.code} line=${e.line} ${e.reason}" }
    }
    val withModule = Policy(
        "import \"house/bands\" as b;\nfn segment(c) { b::band(c) }",
        modules = mapOf("house/bands" to "fn band(c) { if c.days_past_due > 30 { \"late\" } else { \"early\" } }"),
    )
    check("host modules", withModule.evaluate(cases.getValue("legal"), AS_OF).segment == "late")
    val failingModule = Policy(
        "import \"house/bands\" as b;\nfn segment(c) { b::band(c) }",
        modules = mapOf("house/bands" to "fn band(c) {\n  let n = 0;\n  10 / n\n}"),
    )
    expectFailure("error inside a module") { failingModule.evaluate(cases.getValue("legal"), AS_OF) }?.let { e ->
        check(
            "an error inside a module prints the module's name, as every host does",
            e.module == "house/bands" && e.toString() == e.display &&
                e.display.endsWith("(module `house/bands`, line ${e.line}, column ${e.column})"),
        ) { "module=${e.module} ${e}" }
    }
    expectFailure("bad closure date") { Policy("fn segment(c) { \"x\" }", closures = mapOf("CO" to listOf("2026-13-01"))) }?.let { e ->
        check("options records read at their path under options", e.code == "input.invalid" && e.path == "options.closures.CO[0]") { "code=${e.code} path=${e.path}" }
    }

    // 3. evaluateMany: one row per case, errors indexed.
    println("evaluateMany")
    val names = cases.keys.sorted()
    val batch = names.map { cases.getValue(it) }.toMutableList()
    batch.add(1, badDate)
    val rows = policy.evaluateMany(batch, AS_OF)
    check("one row per case", rows.size == batch.size)
    val failedRow = rows[1]
    check("bad case row carries the indexed path", failedRow is DecisionOrError.Failed && failedRow.error.path == "[1].debts[0].due_on") { failedRow.toString() }
    check(
        "a row's error prints as the core renders it",
        failedRow is DecisionOrError.Failed && failedRow.error.display == "input.invalid: [1].debts[0].due_on: ${failedRow.error.message}",
    ) { failedRow.toString() }
    val batchJson = policy.evaluateBatchJson("[" + batch.joinToString(",") + "]", AS_OF)
    check(
        "evaluateBatchJson: the same decisions as JSON rows, the bad case an indexed error row",
        batchJson.startsWith("[" + reference.getValue(names[0]) + ",{\"index\":1,\"error\":{\"code\":\"input.invalid\"") &&
            batchJson.endsWith(reference.getValue(names.last()) + "]"),
    ) { batchJson.take(300) }
    val decidedJson = rows.filterIsInstance<DecisionOrError.Decided>().map { it.decision.json }
    check("batch decisions equal single ones", decidedJson == names.map { reference.getValue(it) })

    // 4. checkContact: blocked on a Saturday afternoon in Colombia, with the next lawful instant.
    println("checkContact")
    val cc = policy.checkContact(cases.getValue("preventive"), Channel.CALL, "2026-03-14T20:30:00Z")
    check(
        "blocked with nextAllowedAt",
        !cc.allowed && cc.blockedBy == listOf("co.ley2300.hours") && cc.nextAllowedAt == "2026-03-16T12:00:00Z" &&
            cc.rules.any { it.rule == "co.ley2300.hours" && it.outcome == Verdict.BLOCKED },
    ) { "allowed=${cc.allowed} blockedBy=${cc.blockedBy} next=${cc.nextAllowedAt}" }
    val ok = policy.checkContact(cases.getValue("preventive"), Channel.CALL, "2026-03-16T15:00:00Z", debtId = "L-1")
    check("allowed on Monday at 10:00 Bogota", ok.allowed && ok.nextAllowedAt == null) { ok.blockedBy.toString() }
    expectFailure("unknown debt") { policy.checkContact(cases.getValue("preventive"), Channel.CALL, AS_OF, debtId = "NOPE") }?.let { e ->
        check("unknown debt id names debt_id", e.path == "debt_id") { "path=${e.path}" }
    }

    // 5. checkPlan.
    val proposal = PlanProposal(downPayment = "0", installments = 200u, frequency = Frequency.MONTHLY, firstDueOn = "2026-04-01")
    val pc = policy.checkPlan(cases.getValue("extrajudicial"), AS_OF, proposal)
    check("checkPlan names broken bounds", !pc.accepted && pc.broken.isNotEmpty() && pc.json.startsWith("{")) { pc.broken.toString() }

    // 6. Threads: one Policy, several Kotlin threads at once, the same bytes.
    println("threads")
    val pool = Executors.newFixedThreadPool(8)
    val tasks = (0 until 8).map { t ->
        Callable {
            var mismatches = 0
            repeat(5) { round ->
                for (name in names.shuffled(kotlin.random.Random(t * 31 + round))) {
                    if (policy.evaluate(cases.getValue(name), AS_OF).json != reference.getValue(name)) mismatches++
                }
            }
            mismatches
        }
    }
    val mismatches = pool.invokeAll(tasks).sumOf { it.get() }
    pool.shutdown()
    pool.awaitTermination(1, TimeUnit.MINUTES)
    check("8 threads x 5 rounds x ${names.size} cases, same results", mismatches == 0) { "$mismatches mismatches" }

    // 7. Simulation.
    println("simulate")
    val sim = simulate(policy, generate = 40u, settings = SimulationSettings(days = 30u, seed = 7uL))
    check("what-if: one arm, 40 cases, 30 days", sim.arms.size == 1 && sim.arms[0].kpis.cases == 40L && sim.arms[0].series.size == 30) { sim.kpiTable }
    val challenger = Policy.embedded("consumer/policy")
    val ab = simulate(policy, listOf(challenger), generate = 40u, settings = SimulationSettings(days = 30u, seed = 7uL))
    val diff = ab.arms[1].vsChampion
    check("identical challenger shows no difference", ab.arms.size == 2 && diff != null && diff.collected.toBigDecimal().signum() == 0) { ab.kpiTable }
    expectFailure("bad shares") { simulate(policy, listOf(challenger), generate = 4u, settings = SimulationSettings(shares = listOf(60u, 30u))) }?.let { e ->
        check("shares must add up to 100", e.path == "split.shares") { "path=${e.path} ${e.reason}" }
    }
    val reps = simulate(policy, listOf(Policy.embedded("consumer/digital_first")), generate = 40u, settings = SimulationSettings(days = 10u, seed = 7uL, replications = 3u))
    check("replications: intervals in the table and the JSON", reps.uncertaintyTable?.contains("Over 3 replications") == true && reps.json.contains("\"uncertainty\":{\"replications\":3")) { reps.uncertaintyTable ?: "none" }
    check("one run has no intervals", sim.uncertaintyTable == null)
    expectFailure("replications 0") { simulate(policy, generate = 4u, settings = SimulationSettings(replications = 0u)) }?.let { e ->
        check("replications are bounded", e.path == "replications") { "path=${e.path} ${e.reason}" }
    }
    // sd 150, detect 25: (1.959964 + 0.841621)^2 * 2 * 150^2 / 25^2 = 565.1 -> 566 per arm.
    val testPlan = experimentPlan("{\"baseline\": \"120\", \"sd\": \"150\", \"minimum_effect\": \"25\"}")
    check("experiment plan: 566 per arm", testPlan.contains("\"cases_per_arm\":[566,566]")) { testPlan }
    expectFailure("plan without sd") { experimentPlan("{\"baseline\": \"120\", \"minimum_effect\": \"25\"}") }?.let { e ->
        check("a plan of amounts needs sd", e.path == "plan.sd") { "path=${e.path} ${e.reason}" }
    }
    val report = experiment("{\"experiment\": \"e\", \"shares\": [50, 50], \"test\": {\"kind\": \"sequential\", \"minimum_effect\": \"10\"}, \"outcomes\": [{\"case_id\": \"A\", \"collected\": \"5\"}]}")
    check("experiment: a running sequential test", report.contains("\"status\":\"running\"")) { report }
    // The day's work queue: no call capacity reroutes the administrative case's call to
    // its next lawful candidate, the SMS; without a limit it is scheduled; an unknown
    // channel is refused at its path.
    val admin = cases.getValue("administrative")
    val rerouted = queue(policy, admin, AS_OF, "{\"call\": 0}")
    check("queue: rerouted to the SMS", rerouted.contains("\"status\":\"rerouted\"") && rerouted.contains("\"channel\":\"sms\"") &&
        rerouted.contains("\"reason\":\"call capacity (0) reached: next lawful candidate 1 (sms)\"")) { rerouted }
    val free = queue(policy, admin, AS_OF, "{}")
    check("queue: scheduled without a limit", free.contains("\"status\":\"scheduled\"") && free.contains("\"rank\":1")) { free }
    expectFailure("queue with a fax capacity") { queue(policy, admin, AS_OF, "{\"fax\": 3}") }?.let { e ->
        check("queue: an unknown channel at capacity.fax", e.code == "input.invalid" && e.path == "capacity.fax") { "code=${e.code} path=${e.path} ${e.reason}" }
    }

    // 8. No panic crosses the binding: the engine panics on the case id FAULT_CASE_ID
    // (the fault-injection build); every call fails with `internal`, and only that call.
    println("fault injection")
    val good = cases.getValue("preventive")
    val poison = good.replaceFirst("\"id\": \"C-PRE\"", "\"id\": \"$FAULT_CASE_ID\"")
    check("the poisoned case carries the fault id", poison.contains("\"$FAULT_CASE_ID\""))
    fun injected(name: String, body: () -> Unit) {
        expectFailure(name) { body() }?.let { e ->
            check("$name: RecobroException.Failure, code internal, names the injected fault", e.code == "internal" && e.reason.contains("injected fault")) {
                "code=${e.code} ${e.reason}"
            }
        }
    }
    injected("evaluate") { policy.evaluate(poison, AS_OF) }
    injected("evaluateJson") { policy.evaluateJson(poison, AS_OF) }
    injected("checkPlan") { policy.checkPlan(poison, AS_OF, PlanProposal(downPayment = "0", installments = 3u, frequency = Frequency.MONTHLY, firstDueOn = "2026-04-01")) }
    injected("simulate") { simulate(policy, cases = listOf(poison), settings = SimulationSettings(days = 2u)) }
    check("the same policy decides the sample case afterwards", policy.evaluateJson(good, AS_OF) == reference.getValue("preventive"))
    val mixed = names.map { cases.getValue(it) }.toMutableList().apply { add(1, poison) }
    val mixedRows = policy.evaluateMany(mixed, AS_OF)
    val poisonRow = mixedRows.getOrNull(1)
    check(
        "evaluateMany: the poisoned row is an internal error naming the fault",
        poisonRow is DecisionOrError.Failed && poisonRow.error.code == "internal" && poisonRow.error.message.contains("injected fault"),
    ) { poisonRow.toString().take(300) }
    val others = mixedRows.filterIndexed { i, _ -> i != 1 }.map { (it as? DecisionOrError.Decided)?.decision?.json }
    check("evaluateMany: every other case decides, in order", mixedRows.size == mixed.size && others == names.map { reference.getValue(it) }) {
        mixedRows.filterIsInstance<DecisionOrError.Failed>().toString().take(300)
    }

    // 9. The cross-host conformance corpus: the decision bytes every host must produce.
    println("conformance corpus")
    val items = corpusItems.readLines().filter { it.isNotEmpty() }.map { it.split('\t', limit = 4) }
    check("the corpus is there", items.size >= 50 && items.all { it.size == 4 }) { "${items.size} items from $corpusItems" }
    val embedded = HashMap<String, Policy>()
    fun corpusWant(name: String) = File(corpusExpected, "$name.json").readText().trimEnd('\n')
    var conforming = 0
    for ((name, path, asOf, caseJson) in items) {
        val want = corpusWant(name)
        val got = try {
            embedded.getOrPut(path) { Policy.embedded(path) }.evaluateJson(caseJson, asOf)
        } catch (e: RecobroException) {
            "threw ${e.message}"
        }
        if (got == want) conforming++
        check("conformance: $name", got == want) { "\n    got      ${got.take(200)}\n    expected ${want.take(200)}" }
    }
    println("  conformance: $conforming/${items.size} items equal the expected bytes")
    for ((key, group) in items.groupBy { it[1] to it[2] }) {
        val rows = embedded.getOrPut(key.first) { Policy.embedded(key.first) }.evaluateMany(group.map { it[3] }, key.second)
        val same = rows.size == group.size && rows.zip(group).all { (row, item) ->
            row is DecisionOrError.Decided && row.decision.json == corpusWant(item[0])
        }
        check("conformance as a batch: ${key.first} at ${key.second} (${group.size} items)", same)
    }
    embedded.values.forEach { it.close() }

    // 10. The cross-host error corpus: the errors every host must give, field for field.
    println("error corpus")
    runErrorCorpus(File(args.getOrElse(4) { "test-data/conformance/errors.json" }))

    // 11. Per-call time (one evaluation of the same case), for the overhead report.
    println("timing")
    val caseJson = cases.getValue("administrative")
    fun timeIt(label: String, n: Int, body: () -> Unit): Double {
        repeat(n / 5) { body() }
        val t0 = System.nanoTime()
        repeat(n) { body() }
        val per = (System.nanoTime() - t0).toDouble() / n
        println("  timing: $label: ${"%.0f".format(per)} ns/call")
        return per
    }
    val n = (System.getenv("RECOBRO_TIMING_N") ?: "5000").toInt()
    timeIt("kotlin engineVersion() (an empty call: the JNA glue alone)", n) { engineVersion() }
    timeIt("kotlin evaluateJson (json in, json out)", n) { policy.evaluateJson(caseJson, AS_OF) }
    timeIt("kotlin evaluate (typed Decision + json)", n) { policy.evaluate(caseJson, AS_OF) }
    val hundred = List(100) { caseJson }
    val perBatch = timeIt("kotlin evaluateMany, 100 cases (per call)", maxOf(n / 100, 5)) { policy.evaluateMany(hundred, AS_OF) }
    println("  timing: kotlin evaluateMany, per case: ${"%.0f".format(perBatch / 100)} ns/case (parallel inside the engine)")

    policy.close()
    println("$passed passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}

// ---- The cross-host error corpus ---------------------------------------------------

/** A JSON object as read: its members, and its text (to hand back to the engine). */
class JsonObject(val members: Map<String, Any?>, val text: String) {
    operator fun get(key: String): Any? = members[key]
    fun string(key: String): String? = members[key] as String?
}

/**
 * A small JSON reader: objects become [JsonObject], arrays lists, strings strings,
 * numbers their text, `true`/`false` booleans, `null` null. Enough for the corpus and
 * the rows of a batch.
 */
class JsonReader(private val s: String) {
    private var i = 0

    fun read(): Any? {
        val v = value()
        ws()
        require(i == s.length) { "trailing text at $i" }
        return v
    }

    private fun ws() {
        while (i < s.length && s[i].isWhitespace()) i++
    }

    private fun value(): Any? {
        ws()
        val start = i
        return when (s[i]) {
            '{' -> {
                i++
                val members = LinkedHashMap<String, Any?>()
                ws()
                if (s[i] == '}') i++ else while (true) {
                    ws()
                    val key = string()
                    ws()
                    require(s[i++] == ':') { "expected : at ${i - 1}" }
                    members[key] = value()
                    ws()
                    val c = s[i++]
                    if (c == '}') break
                    require(c == ',') { "expected , at ${i - 1}" }
                }
                JsonObject(members, s.substring(start, i))
            }
            '[' -> {
                i++
                val items = ArrayList<Any?>()
                ws()
                if (s[i] == ']') i++ else while (true) {
                    items.add(value())
                    ws()
                    val c = s[i++]
                    if (c == ']') break
                    require(c == ',') { "expected , at ${i - 1}" }
                }
                items
            }
            '"' -> string()
            else -> {
                while (i < s.length && s[i] !in ",]} \n\r\t") i++
                when (val word = s.substring(start, i)) {
                    "true" -> true
                    "false" -> false
                    "null" -> null
                    else -> word
                }
            }
        }
    }

    private fun string(): String {
        require(s[i++] == '"') { "expected a string at ${i - 1}" }
        val out = StringBuilder()
        while (s[i] != '"') {
            val c = s[i++]
            if (c != '\\') {
                out.append(c)
                continue
            }
            when (val e = s[i++]) {
                'n' -> out.append('\n')
                't' -> out.append('\t')
                'r' -> out.append('\r')
                'b' -> out.append('\b')
                'f' -> out.append('\u000C')
                'u' -> {
                    out.append(s.substring(i, i + 4).toInt(16).toChar())
                    i += 4
                }
                else -> out.append(e)
            }
        }
        i++
        return out.toString()
    }
}

/** The error fields a host shows, as text (numbers as their digits); null when absent. */
fun fieldsOf(code: String, message: String, path: String?, line: UInt?, column: UInt?, module: String?, help: String?) =
    mapOf(
        "code" to code, "message" to message, "path" to path, "line" to line?.toString(),
        "column" to column?.toString(), "module" to module, "help" to help,
    )

/**
 * Check [got] against an `expect` of the corpus: a field there must be equal; `path`,
 * `line` and `module` absent there must be absent; `message`, `help` and `column` are
 * filled in when the corpus is blessed, so until `expect` has a message they are not
 * checked, and after that an absent one must be absent.
 */
fun expectFields(name: String, want: JsonObject, got: Map<String, String?>) {
    val blessed = want["message"] != null
    val problems = ArrayList<String>()
    for ((k, v) in got) {
        val expected = want[k]
        when {
            expected != null && expected.toString() != v -> problems.add("$k is ${v ?: "absent"}, the corpus says $expected")
            expected == null && (k in listOf("path", "line", "module") || blessed) && v != null -> problems.add("$k is $v, the corpus has none")
        }
    }
    check("error corpus: $name", problems.isEmpty()) { problems.joinToString("; ") }
}

fun runErrorCorpus(file: File) {
    val corpus = JsonReader(file.readText()).read() as JsonObject
    @Suppress("UNCHECKED_CAST")
    val items = corpus["items"] as List<JsonObject>
    check("the error corpus is there", items.size >= 10) { "${items.size} items in $file" }
    for (item in items) {
        val name = item.string("name")!!
        val policy: () -> Policy = {
            item.string("policy")?.let { Policy.embedded(it) }
                ?: Policy.withOptionsJson(item.string("policy_source")!!, (item["options"] as JsonObject?)?.text)
        }
        fun failure(body: () -> Unit) = expectFailure("error corpus: $name fails") { body() }
        fun expect(e: RecobroException.Failure) {
            expectFields(name, item["expect"] as JsonObject, fieldsOf(e.code, e.reason, e.path, e.line, e.column, e.module, e.help))
            check("error corpus: $name prints as the core renders it", e.toString() == e.display && e.display.startsWith(e.code + ": ")) { e.toString() }
        }
        when (item.string("call")) {
            "compile" -> failure { policy() }?.let(::expect)
            "evaluate" -> failure { policy().evaluateJson(item.string("case_text")!!, item.string("as_of")!!) }?.let(::expect)
            "evaluate_batch" -> {
                val p = policy()
                if (item["expect"] != null) {
                    failure { p.evaluateBatchJson(item.string("cases_text")!!, item.string("as_of")!!) }?.let(::expect)
                    continue
                }
                val out = p.evaluateBatchJson(item.string("cases_text")!!, item.string("as_of")!!)
                @Suppress("UNCHECKED_CAST")
                val rows = JsonReader(out).read() as List<JsonObject>
                @Suppress("UNCHECKED_CAST")
                val want = item["expect_rows"] as List<JsonObject>
                check("error corpus: $name has one row per case", rows.size == want.size) { "${rows.size} rows, the corpus says ${want.size}" }
                for ((i, pair) in rows.zip(want).withIndex()) {
                    val (row, w) = pair
                    if (w["decided"] == true) {
                        check("error corpus: $name[$i] is decided", row["segment"] != null || row.members.containsKey("segment")) { row.text.take(200) }
                        continue
                    }
                    val e = row["error"] as JsonObject?
                    check("error corpus: $name[$i] is an error row at its index", e != null && row["index"] == w["index"]) { row.text.take(200) }
                    if (e == null) continue
                    expectFields(
                        "$name[$i]", w,
                        listOf("code", "message", "path", "line", "column", "module", "help").associateWith { e[it]?.toString() },
                    )
                }
            }
            else -> check("error corpus: $name has a known call", false) { item.string("call") ?: "" }
        }
    }
}

/** [text] as a JSON string literal. */
fun jsonString(text: String): String =
    "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\""

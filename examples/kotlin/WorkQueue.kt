// A JVM host of the Recobro engine (Kotlin, through the uniffi binding): decide every
// case in a folder, print an agent's work queue by priority, and, for each case whose
// contacts are all blocked, when the next lawful contact is.
//
// Run: bash examples/kotlin/run.sh [cases dir] [as_of]

import recobro.Channel
import recobro.Decision
import recobro.DecisionOrError
import recobro.Policy
import recobro.RecobroException
import java.io.File

fun main(args: Array<String>) {
    val dir = File(args.getOrElse(0) { "examples/data/cases" })
    val asOf = args.getOrElse(1) { "2026-03-16T15:00:00Z" }
    val files = dir.listFiles { f -> f.name.endsWith(".json") }!!.sortedBy { it.name }

    // Compile once; a Policy is thread-safe and may be shared by every request thread.
    Policy.default().use { policy ->
        val info = policy.info()
        println("policy ${info.name} ${info.version} (${info.digest.take(19)}...)  as of $asOf\n")

        // Decide the whole folder in one call (in parallel inside the engine).
        val rows = policy.evaluateMany(files.map { it.readText() }, asOf)
        val decided = mutableListOf<Decision>()
        rows.forEachIndexed { i, row ->
            when (row) {
                is DecisionOrError.Decided -> decided += row.decision
                is DecisionOrError.Failed ->
                    println("${files[i].name}: ${row.error.code} at ${row.error.path}: ${row.error.message}")
            }
        }

        println("%-6s %-9s %-18s %-16s %-8s %s".format("prio", "case", "segment", "action", "channel", "template"))
        decided.filter { it.action != null }
            .sortedByDescending { it.action!!.priority }
            .forEach { d ->
                val a = d.action!!
                println("%-6d %-9s %-18s %-16s %-8s %s".format(
                    a.priority, d.caseId, d.segment ?: "-", a.kind, a.channel?.name?.lowercase() ?: "-", a.template ?: "-"))
            }

        println("\nno action:")
        decided.filter { it.action == null }.forEach { d ->
            val blockedBy = d.candidates.flatMap { it.blockedBy }.distinct()
            println("  ${d.caseId}: ${d.noActionReason}" +
                (if (blockedBy.isEmpty()) "" else " ($blockedBy; next allowed ${d.nextAllowedAt ?: "when a person lifts the block"})"))
        }

        // A dialer's question: may we call this debtor right now? If not, when?
        val case = files.first { it.name == "preventive.json" }.readText()
        val saturday = "2026-03-14T20:30:00Z"
        val check = policy.checkContact(case, Channel.CALL, saturday)
        println("\ncall C-PRE at $saturday: ${if (check.allowed) "allowed" else "blocked by ${check.blockedBy}, next allowed ${check.nextAllowedAt}"}")

        // Errors are exceptions carrying the code, the position or the input path.
        try {
            Policy("fn segment(c) {\n    if c.days_past_due > 30 { \"late\" \n}")
        } catch (e: RecobroException.Failure) {
            println("\na broken policy: ${e.code} at line ${e.line}, column ${e.column}: ${e.reason}")
        }
    }
}

// The Kotlin (uniffi, JVM) host of the cross-host performance record (see README.md).
// Usage: java ... BenchKt CASES.ndjson [rounds]
import recobro.*
import java.io.File

fun main(args: Array<String>) {
    val t0 = System.nanoTime()
    val lines = File(args[0]).readLines().filter { it.isNotBlank() }
    val rounds = args.getOrNull(1)?.toInt() ?: 3
    val asOf = "2026-03-16T15:00:00Z"
    val policy = Policy.default()
    var bytes = policy.evaluateJson(lines[0], asOf).length.toLong()
    val coldMs = (System.nanoTime() - t0) / 1e6
    var best = Double.MAX_VALUE
    repeat(rounds) {
        val t = System.nanoTime()
        for (l in lines) bytes += policy.evaluateJson(l, asOf).length
        best = minOf(best, (System.nanoTime() - t).toDouble() / lines.size)
    }
    val t = System.nanoTime()
    val rows = policy.evaluateMany(lines, asOf)
    val batch = lines.size / ((System.nanoTime() - t) / 1e9)
    val failed = rows.count { it is DecisionOrError.Failed }
    println(
        "{\"host\":\"kotlin\",\"cases\":${lines.size},\"ns_per_case\":${best.toLong()}," +
            "\"batch_cases_per_s\":${batch.toLong()},\"cold_start_ms\":${"%.1f".format(coldMs)}," +
            "\"failed\":$failed,\"bytes\":$bytes}",
    )
}

package dev.plangate.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import dev.plangate.client.Plangate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Quota consumes through the SDK's allowance blocks on one client: answered in process,
 * with a round trip per block only. Each run checks the guarantee it measures: nothing
 * admitted beyond the quota, and, once the client has given its unspent units back, the
 * server counting exactly what was admitted.
 */
final class AllowanceSection {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Server server;

	private final Options options;

	private final Targets targets;

	AllowanceSection(Server server, Options options, Targets targets) {
		this.server = server;
		this.options = options;
		this.targets = targets;
	}

	/** One run: what was admitted and refused, and what the server counted after. */
	private record Run(String name, int threads, long limit, long admitted, long refused, double seconds,
			long serverUsed, long local) {

		double perSecond() {
			return admitted / seconds;
		}

		boolean exact() {
			return admitted <= limit && serverUsed == admitted;
		}

	}

	void run(PrintStream out) throws Exception {
		int cores = Runtime.getRuntime().availableProcessors();
		var runs = new ArrayList<Run>();
		// customers of their own (the HTTP section's are bench-0 … bench-99)
		measure("warm-up", 1, 1_000_000_000_000L, "allowance-warmup", options.warmup());
		runs.add(measure("one thread, quota far away", 1, 1_000_000_000_000L, "allowance-1", options.duration()));
		runs.add(measure(cores + " threads, quota far away", cores, 1_000_000_000_000L, "allowance-n",
				options.duration()));
		runs.add(measure(cores + " threads, quota of 2,000,000 run out", cores, 2_000_000, "allowance-limit",
				options.duration()));
		out.printf("== Allowance blocks on %s: one Plangate client, runs of up to %s after a warm-up%n",
				server.stack.title, Table.duration(options.duration()));
		var table = new Table("run", "consumes/s", "admitted", "refused", "limit", "server used after close",
				"answered locally", "over-admitted");
		for (var run : runs) {
			table.row(run.name(), String.format("%,.0f", run.perSecond()), String.format("%,d", run.admitted()),
					String.format("%,d", run.refused()), String.format("%,d", run.limit()),
					String.format("%,d", run.serverUsed()), String.format("%,d", run.local()),
					run.exact() ? "0" : String.format("%,d",
							Math.max(run.admitted() - run.limit(), run.serverUsed() - run.admitted())));
		}
		table.print(out);
		var best = runs.get(0).perSecond() > runs.get(1).perSecond() ? runs.get(0) : runs.get(1);
		boolean exact = runs.stream().allMatch(Run::exact) && runs.get(2).admitted() == runs.get(2).limit();
		targets.check(server.stack.label + ": quota consumes through allowance blocks >= 1,000,000/s, none over",
				best.perSecond() >= 1_000_000 && exact,
				String.format("%,.0f/s, %s", best.perSecond(), exact ? "exact" : "NOT exact"));
		out.println();
	}

	private Run measure(String name, int threads, long limit, String customer, Duration duration) throws Exception {
		try (var http = new HttpConnection(server.address)) {
			http.exchangeOrFail(server.request("PUT", "/v1/customers/" + customer, "{\"name\":\"" + name + "\"}"));
			http.exchangeOrFail(server.request("PUT", "/v1/customers/" + customer + "/overrides/api_calls",
					"{\"value\":" + limit + ",\"reason\":\"benchmark\"}"));
		}
		var admitted = new LongAdder();
		var refused = new LongAdder();
		var stop = new AtomicBoolean();
		var client = Plangate.builder(URI.create("http://127.0.0.1:" + server.address.getPort()), server.apiKey())
			.shutdownHook(false)
			.build();
		var allowances = client.allowances();
		var workers = new ArrayList<Thread>();
		long start = System.nanoTime();
		for (int t = 0; t < threads; t++) {
			var worker = new Thread(() -> {
				long ok = 0;
				long no = 0;
				while (!stop.get()) {
					for (int i = 0; i < 1_000; i++) {
						if (allowances.tryConsume(customer, "api_calls")) {
							ok++;
						}
						else {
							no++;
						}
					}
					if (no > 0) {
						// the quota has run out
						break;
					}
				}
				admitted.add(ok);
				refused.add(no);
			}, "allowance-bench-" + t);
			workers.add(worker);
			worker.start();
		}
		workers.get(0).join(duration.toMillis());
		stop.set(true);
		for (var worker : workers) {
			worker.join();
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		long local = client.status().localDecisions();
		client.close();
		return new Run(name, threads, limit, admitted.sum(), refused.sum(), seconds, used(customer), local);
	}

	private long used(String customer) throws IOException {
		try (var http = new HttpConnection(server.address)) {
			var body = new StringBuilder();
			http.exchange(server.request("GET", "/v1/customers/" + customer + "/usage", null), body);
			for (var quota : JSON.readTree(body.toString()).path("quotas")) {
				if (quota.path("feature").asString().equals("api_calls")) {
					return quota.path("used").asLong();
				}
			}
			throw new IllegalStateException("No api_calls usage for " + customer);
		}
	}

}

package dev.plangate.metering;

import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.plangate.support.Api;

/** What the ledger tests read of a customer's ledger, over SQL and HTTP. */
final class LedgerRows {

	private LedgerRows() {
	}

	/** A customer's rollups in a table, summed: amount, then events. */
	static List<Long> rollups(JdbcClient jdbc, String table, String customer) {
		return jdbc
			.sql("select coalesce(sum(amount), 0), coalesce(sum(events), 0) from " + table + " where customer_id = :c")
			.param("c", customer)
			.query((rs, n) -> List.of(rs.getLong(1), rs.getLong(2)))
			.single();
	}

	/** The start of the customer's current period of the {@code api_calls} quota. */
	static Instant periodStart(Api api, String customer) {
		var usage = api.get("/v1/customers/" + customer + "/usage").body();
		var apiCalls = usage.path("quotas")
			.valueStream()
			.filter(q -> q.path("feature").asString().equals("api_calls"))
			.findFirst()
			.orElseThrow();
		return Instant.parse(apiCalls.path("periodStart").asString());
	}

}

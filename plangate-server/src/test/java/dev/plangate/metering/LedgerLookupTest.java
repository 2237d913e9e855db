package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.plangate.metering.LedgerRepository.EventRef;
import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;

/**
 * The look-up of what was decided before under a group's ids (H2's way; PostgreSQL has a
 * statement of its own): exactly the pairs of customer and id asked for, read from the
 * ledger's key however many events the customers have.
 */
class LedgerLookupTest extends ServerTest {

	private static final Pattern SCAN_COUNT = Pattern.compile("scanCount: (\\d+)");

	@Autowired
	LedgerRepository ledger;

	@Autowired
	DataSource dataSource;

	/**
	 * Records {@code count} events of api_calls for the customer, ids {@code prefix-i}.
	 */
	private void record(String customerId, String prefix, int count) {
		for (int from = 0; from < count; from += 1000) {
			var events = new ArrayList<String>();
			for (int i = from; i < Math.min(count, from + 1000); i++) {
				events.add(Api.json(
						Map.of("id", prefix + "-" + i, "customerId", customerId, "feature", "api_calls", "amount", 1)));
			}
			var response = api.post("/v1/usage-events", "{\"events\":[" + String.join(",", events) + "]}");
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
		}
	}

	@Test
	void findsTheEventsOfExactlyThePairsAskedNotOfTheirCustomersOtherIds() {
		// given: two customers sharing ids, each holding an id the other's pair asks for
		var first = newCustomer("lookup-first");
		var second = newCustomer("lookup-second");
		record(first, "a", 2);
		record(second, "a", 1);

		// when: the first's a-0 and the second's a-1 (which it does not hold) are asked
		// for
		var found = ledger.findAll(List.of(new EventRef(first, "a-0"), new EventRef(second, "a-1")));

		// then: only the first's a-0, though the first holds a-1 and the second a-0
		assertThat(found).containsOnlyKeys(new EventRef(first, "a-0"));
		assertThat(found.get(new EventRef(first, "a-0")).event().amount()).isEqualTo(1);
	}

	@Test
	void onH2ReadsOnlyThePairsAskedHoweverManyEventsTheCustomerHas() throws SQLException {
		// given: a customer with 2,000 events on the embedded database
		try (var connection = dataSource.getConnection()) {
			assumeTrue(connection.getMetaData().getDatabaseProductName().equals("H2"), "H2's plan");
		}
		var customer = newCustomer("lookup-long");
		record(customer, "e", 2000);

		// when: three of its ids are looked up, one never recorded
		String plan;
		try (var connection = dataSource.getConnection();
				var explain = connection
					.prepareStatement("explain analyze " + LedgerRepository.amongSql("usage_event", 3))) {
			int p = 1;
			for (var id : List.of("e-7", "e-1500", "never")) {
				explain.setString(p++, customer);
				explain.setString(p++, id);
			}
			try (var rs = explain.executeQuery()) {
				rs.next();
				plan = rs.getString(1);
			}
		}

		// then: H2 reads the ledger's key for the three pairs, not the customer's 2,000
		// rows
		var scanned = SCAN_COUNT.matcher(plan);
		assertThat(scanned.find()).as(plan).isTrue();
		assertThat(Long.parseLong(scanned.group(1))).as(plan).isLessThanOrEqualTo(4);
	}

}

package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The migration that adds the hourly rollups fills them from the usage recorded before
 * it: per customer, feature and UTC hour of occurrence, the sum of the amounts and the
 * number of events. Runs on a database of its own (in-memory H2, or a schema of its own
 * in the PostgreSQL named by PLANGATE_DB_URL).
 */
class UsageRollupBackfillTest {

	/** The last migration before the rollups. */
	private static final String BEFORE_ROLLUPS = "20261205040000";

	@Test
	void theMigrationSumsEarlierEventsPerCustomerFeatureAndUtcHour() {
		// given: a database as it was before the rollups, holding usage
		var schema = "rollup_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		var dataSource = dataSource(schema);
		var jdbc = JdbcClient.create(dataSource);
		try {
			flyway(dataSource, schema).target(BEFORE_ROLLUPS).load().migrate();
			var at = OffsetDateTime.parse("2027-01-01T00:00:00Z");
			jdbc.sql("""
					insert into feature (feature_key, name, kind, unit, reset_period, source, updated_at)
					values ('calls', 'Calls', 'quota', 'call', 'month', 'api', :at),
					       ('seats', 'Seats', 'quota', 'seat', 'lifetime', 'api', :at)""").param("at", at).update();
			for (var customer : List.of("a", "b")) {
				jdbc.sql("""
						insert into customer (customer_id, kind, status, metadata, created_at, updated_at)
						values (:id, 'user', 'active', '{}', :at, :at)""")
					.param("id", customer)
					.param("at", at)
					.update();
			}
			event(jdbc, "a", "1", "calls", 5, "2027-01-10T10:00:00Z");
			event(jdbc, "a", "2", "calls", 7, "2027-01-10T10:59:59.999999Z");
			event(jdbc, "a", "3", "calls", 1, "2027-01-10T12:30:00+01:00");
			event(jdbc, "a", "4", "calls", 2, "2027-01-10T11:00:00Z");
			event(jdbc, "a", "5", "seats", 3, "2027-01-10T10:30:00Z");
			event(jdbc, "a", "6", "seats", -1, "2027-01-10T10:40:00Z");
			event(jdbc, "b", "1", "calls", 4, "2027-01-10T10:20:00Z");

			// when
			flyway(dataSource, schema).load().migrate();

			// then
			var rollups = jdbc.sql("""
					select customer_id, feature_key, hour_start, amount, events from usage_rollup
					order by customer_id, feature_key, hour_start""")
				.query((rs, n) -> rs.getString(1) + " " + rs.getString(2) + " "
						+ rs.getObject(3, OffsetDateTime.class).toInstant() + " " + rs.getLong(4) + "/" + rs.getLong(5))
				.list();
			assertThat(rollups).containsExactly("a calls 2027-01-10T10:00:00Z 12/2", "a calls 2027-01-10T11:00:00Z 3/2",
					"a seats 2027-01-10T10:00:00Z 2/2", "b calls 2027-01-10T10:00:00Z 4/1");
		}
		finally {
			if (isPostgres()) {
				jdbc.sql("drop schema " + schema + " cascade").update();
			}
		}
	}

	private static void event(JdbcClient jdbc, String customer, String id, String feature, long amount,
			String occurred) {
		var at = OffsetDateTime.parse(occurred);
		jdbc.sql("""
				insert into usage_event (customer_id, event_id, feature_key, amount, occurred_at, period_start,
				  recorded_at)
				values (:customer, :id, :feature, :amount, :at, :period, :at)""")
			.param("customer", customer)
			.param("id", id)
			.param("feature", feature)
			.param("amount", amount)
			.param("at", at)
			.param("period", OffsetDateTime.parse("2027-01-01T00:00:00Z"))
			.update();
	}

	private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(DriverManagerDataSource dataSource,
			String schema) {
		var configuration = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration");
		return isPostgres() ? configuration.schemas(schema) : configuration;
	}

	private static boolean isPostgres() {
		var url = System.getenv("PLANGATE_DB_URL");
		return url != null && !url.isBlank();
	}

	private static DriverManagerDataSource dataSource(String schema) {
		if (isPostgres()) {
			var url = System.getenv("PLANGATE_DB_URL");
			return new DriverManagerDataSource(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
					System.getenv().getOrDefault("PLANGATE_DB_USER", ""),
					System.getenv().getOrDefault("PLANGATE_DB_PASSWORD", ""));
		}
		return new DriverManagerDataSource(
				"jdbc:h2:mem:" + schema
						+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
				"sa", "");
	}

}

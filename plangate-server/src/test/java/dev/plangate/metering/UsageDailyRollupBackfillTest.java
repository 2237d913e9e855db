package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The migration that adds the daily rollups fills them from the hourly rollups written
 * before it: per customer, feature and UTC day, the sum of the amounts and of the events.
 * Runs on a database of its own (in-memory H2, or a schema of its own in the PostgreSQL
 * named by PLANGATE_DB_URL).
 */
class UsageDailyRollupBackfillTest {

	/** The last migration before the daily rollups. */
	private static final String BEFORE_DAILY_ROLLUPS = "20261207030000";

	@Test
	void theMigrationSumsTheHourlyRollupsPerCustomerFeatureAndUtcDay() {
		// given: a database as it was before the daily rollups, holding hourly ones
		var schema = "rollup_day_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		var dataSource = dataSource(schema);
		var jdbc = JdbcClient.create(dataSource);
		try {
			flyway(dataSource, schema).target(BEFORE_DAILY_ROLLUPS).load().migrate();
			hour(jdbc, "a", "calls", "2027-01-30T23:00:00Z", 5, 2);
			hour(jdbc, "a", "calls", "2027-01-31T00:00:00Z", 7, 1);
			hour(jdbc, "a", "calls", "2027-01-31T13:00:00Z", 1, 1);
			hour(jdbc, "a", "calls", "2027-01-31T23:00:00Z", 2, 2);
			hour(jdbc, "a", "calls", "2027-02-01T00:00:00Z", 3, 1);
			hour(jdbc, "a", "seats", "2027-01-31T10:00:00Z", 3, 1);
			hour(jdbc, "a", "seats", "2027-01-31T11:00:00Z", -1, 1);
			hour(jdbc, "b", "calls", "2027-01-31T12:00:00Z", 4, 4);

			// when
			flyway(dataSource, schema).load().migrate();

			// then
			var days = jdbc.sql("""
					select customer_id, feature_key, day_start, amount, events from usage_rollup_day
					order by customer_id, feature_key, day_start""")
				.query((rs, n) -> rs.getString(1) + " " + rs.getString(2) + " "
						+ rs.getObject(3, OffsetDateTime.class).toInstant() + " " + rs.getLong(4) + "/" + rs.getLong(5))
				.list();
			assertThat(days).containsExactly("a calls 2027-01-30T00:00:00Z 5/2", "a calls 2027-01-31T00:00:00Z 10/4",
					"a calls 2027-02-01T00:00:00Z 3/1", "a seats 2027-01-31T00:00:00Z 2/2",
					"b calls 2027-01-31T00:00:00Z 4/4");
		}
		finally {
			if (isPostgres()) {
				jdbc.sql("drop schema " + schema + " cascade").update();
			}
		}
	}

	private static void hour(JdbcClient jdbc, String customer, String feature, String hour, long amount, long events) {
		jdbc.sql("""
				insert into usage_rollup (customer_id, feature_key, hour_start, amount, events)
				values (:customer, :feature, :hour, :amount, :events)""")
			.param("customer", customer)
			.param("feature", feature)
			.param("hour", OffsetDateTime.parse(hour))
			.param("amount", amount)
			.param("events", events)
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

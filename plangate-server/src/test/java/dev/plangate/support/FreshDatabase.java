package dev.plangate.support;

import org.springframework.test.context.DynamicPropertyRegistry;

/** Where a {@link FreshSchema} test's database is. */
public final class FreshDatabase {

	private FreshDatabase() {
	}

	/**
	 * Points the server at database {@code name}: its own in-memory H2, or its own schema
	 * of the PostgreSQL named by PLANGATE_DB_URL.
	 */
	public static void register(DynamicPropertyRegistry registry, String name) {
		String postgres = System.getenv("PLANGATE_DB_URL");
		if (postgres != null && !postgres.isBlank()) {
			registry.add("spring.datasource.url",
					() -> postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + name);
			registry.add("spring.flyway.schemas", () -> name);
		}
		else {
			registry.add("spring.datasource.url", () -> "jdbc:h2:mem:" + name
					+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
		}
	}

}

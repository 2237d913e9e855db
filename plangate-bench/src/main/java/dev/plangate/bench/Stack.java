package dev.plangate.bench;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;

/**
 * The two ways Plangate runs: embedded (H2 file database, rate limits in this process)
 * and cluster mode (PostgreSQL, rate limits in Redis). Each gets a fresh database.
 */
enum Stack {

	EMBEDDED("embedded", "embedded (H2 file database, rate limits in process)"),

	POSTGRES("PostgreSQL + Redis", "PostgreSQL + Redis");

	/**
	 * The bench's own database and Redis keys, so that nothing else's data is touched.
	 */
	static final String DATABASE = "plangate_bench";

	static final String REDIS_PREFIX = "plangate-bench:";

	final String label;

	final String title;

	Stack(String label, String title) {
		this.label = label;
		this.title = title;
	}

	/** The JDBC URL of a fresh database for this stack. */
	String jdbcUrl(Options options, Path dataDir) {
		return switch (this) {
			// the embedded default's URL (application.yaml), in a directory of its own
			case EMBEDDED -> "jdbc:h2:file:retry:" + dataDir.resolve("plangate")
					+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=FALSE;WRITE_DELAY=0";
			case POSTGRES -> options.postgresUrl() + options.database();
		};
	}

	String jdbcUser(Options options) {
		return this == POSTGRES ? options.postgresUser() : "";
	}

	String redisUrl(Options options) {
		return this == POSTGRES ? options.redisUrl() : "";
	}

	/**
	 * Starts from nothing: the bench database dropped and made again, the bench's Redis
	 * keys deleted. The embedded stack starts in an empty data directory anyway.
	 */
	void reset(Options options) throws SQLException {
		dropData(options);
		if (this == POSTGRES) {
			administer(options, "create database " + options.database());
		}
	}

	/** Leaves no bench data behind in the shared PostgreSQL and Redis. */
	void dropData(Options options) throws SQLException {
		if (this == POSTGRES) {
			administer(options, "drop database if exists " + options.database() + " with (force)");
			deleteRedisKeys(options.redisUrl(), options.redisPrefix());
		}
	}

	private static void administer(Options options, String statement) throws SQLException {
		try (var admin = DriverManager.getConnection(options.postgresUrl() + "postgres", options.postgresUser(), "");
				var sql = admin.createStatement()) {
			sql.execute(statement);
		}
	}

	static void deleteRedisKeys(String redisUrl, String prefix) {
		var client = RedisClient.create(redisUrl);
		try (var connection = client.connect()) {
			var redis = connection.sync();
			var cursor = ScanCursor.INITIAL;
			do {
				var page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
				List<String> keys = page.getKeys();
				if (!keys.isEmpty()) {
					redis.del(keys.toArray(String[]::new));
				}
				cursor = page;
			}
			while (!cursor.isFinished());
		}
		finally {
			client.shutdown();
		}
	}

}

package dev.plangate.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.lettuce.core.RedisClient;

/**
 * The contract on a real Redis: PLANGATE_REDIS_URL, else the machine's Redis on
 * 127.0.0.1:6379. A Redis that cannot be reached fails these tests; they are never
 * skipped.
 */
class RedisRateLimitStoreTest extends RateLimitStoreContract {

	static final String URL = System.getenv().getOrDefault("PLANGATE_REDIS_URL", "redis://127.0.0.1:6379");

	private static RedisRateLimitStore store;

	@BeforeAll
	static void connect() {
		store = new RedisRateLimitStore(URL, "plangate-test:rl:");
	}

	@AfterAll
	static void disconnect() {
		store.close();
	}

	@Override
	RateLimitStore store() {
		return store;
	}

	@Test
	void keepsDecidingAfterRedisForgetsItsScriptsAndData() {
		// given: a key at its limit
		var key = key();
		for (int i = 0; i < 10; i++) {
			store.acquire(key, TEN_PER_MINUTE, 1, T0);
		}

		// when: Redis loses its scripts and this key's state, as after a restart
		try (var client = RedisClient.create(URL); var connection = client.connect()) {
			connection.sync().scriptFlush();
			connection.sync().del("plangate-test:rl:" + key);
		}
		var after = store.acquire(key, TEN_PER_MINUTE, 1, T0);

		// then: the script is loaded again, and the lost state starts over (rate limits
		// fail open on data loss)
		assertThat(after.allowed()).isTrue();
		assertThat(after.remaining()).isEqualTo(9);
	}

}

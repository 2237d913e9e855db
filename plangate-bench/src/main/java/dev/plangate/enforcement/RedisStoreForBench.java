package dev.plangate.enforcement;

/**
 * The server's Redis rate-limit store, which is package-private, made available to the
 * bench as it is: the same script, connection and key layout the server uses.
 */
public final class RedisStoreForBench extends RedisRateLimitStore {

	public RedisStoreForBench(String redisUrl, String keyPrefix) {
		super(redisUrl, keyPrefix);
	}

}

package dev.plangate.enforcement;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * Rate-limit state in Redis, shared by every node. One decision is one Lua script, run
 * atomically by Redis: no read-then-write from the client, no retry loop. Times come from
 * the deciding node's clock (nodes are expected to keep time with NTP), so that the same
 * arithmetic holds in every store.
 */
class RedisRateLimitStore implements RateLimitStore, AutoCloseable {

	/**
	 * KEYS[1]: the key. ARGV: now, interval, window (microseconds), cost, 1 to store the
	 * step.
	 */
	static final String SCRIPT = """
			local stored = tonumber(redis.call('GET', KEYS[1]))
			local now = tonumber(ARGV[1])
			local interval = tonumber(ARGV[2])
			local window = tonumber(ARGV[3])
			local cost = tonumber(ARGV[4])
			local tat = now
			if stored and stored > now then tat = stored end
			local newTat = tat + cost * interval
			local allowAt = newTat - window
			if now < allowAt then
			  return {0, math.max(0, math.floor((window - (tat - now)) / interval)), allowAt - now, tat - now}
			end
			if ARGV[5] == '1' then
			  redis.call('SET', KEYS[1], string.format('%.0f', newTat), 'PX', math.max(1, math.ceil((newTat - now) / 1000)))
			end
			return {1, math.max(0, math.floor((window - (newTat - now)) / interval)), 0, newTat - now}
			""";

	private final RedisClient client;

	private final StatefulRedisConnection<String, String> connection;

	private final String prefix;

	private volatile String sha;

	RedisRateLimitStore(String url, String prefix) {
		this.client = RedisClient.create(url);
		this.connection = client.connect();
		this.prefix = prefix;
		this.sha = connection.sync().scriptLoad(SCRIPT);
	}

	@Override
	public RateDecision acquire(String key, RateLimit limit, long cost, Instant now) {
		return run(key, limit, cost, now, true);
	}

	@Override
	public RateDecision peek(String key, RateLimit limit, long cost, Instant now) {
		return run(key, limit, cost, now, false);
	}

	@Override
	public void reset(String key) {
		connection.sync().del(prefix + key);
	}

	private RateDecision run(String key, RateLimit limit, long cost, Instant now, boolean store) {
		String[] keys = { prefix + key };
		String[] args = { String.valueOf(ChronoUnit.MICROS.between(Instant.EPOCH, now)),
				String.valueOf(limit.intervalMicros()), String.valueOf(limit.windowMicros()), String.valueOf(cost),
				store ? "1" : "0" };
		List<Long> reply;
		try {
			reply = connection.sync().evalsha(sha, ScriptOutputType.MULTI, keys, args);
		}
		catch (RedisNoScriptException ex) {
			// Redis restarted or was flushed and forgot the script: load it again
			sha = connection.sync().scriptLoad(SCRIPT);
			reply = connection.sync().evalsha(sha, ScriptOutputType.MULTI, keys, args);
		}
		return new RateDecision(reply.get(0) == 1, reply.get(1), micros(reply.get(2)), micros(reply.get(3)));
	}

	private static Duration micros(long micros) {
		return Duration.ofNanos(Math.max(0, micros) * 1000);
	}

	@Override
	public void close() {
		connection.close();
		client.shutdown();
	}

}

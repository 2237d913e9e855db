package dev.plangate.spring;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Plangate client's settings: {@code plangate.url} and {@code plangate.api-key} are
 * all a product needs; the rest have the client's defaults.
 */
@ConfigurationProperties("plangate")
public class PlangateProperties {

	/**
	 * The Plangate server's base URL, such as http://localhost:8080. The client is
	 * configured only when it is set.
	 */
	private @Nullable URI url;

	/** The server API key (pg_sk_...) the client calls Plangate with. */
	private @Nullable String apiKey;

	/** How long to wait for a connection to Plangate. */
	private Duration connectTimeout = Duration.ofSeconds(5);

	/** How long to wait for each attempt's answer. */
	private Duration requestTimeout = Duration.ofSeconds(30);

	/**
	 * How long closing the client (at the application's shutdown) may take to send the
	 * usage tracked but not yet sent.
	 */
	private Duration closeTimeout = Duration.ofSeconds(30);

	private final Retry retry = new Retry();

	private final Track track = new Track();

	private final Web web = new Web();

	private final LocalEvaluation localEvaluation = new LocalEvaluation();

	private final Allowance allowance = new Allowance();

	public @Nullable URI getUrl() {
		return url;
	}

	public void setUrl(@Nullable URI url) {
		this.url = url;
	}

	public @Nullable String getApiKey() {
		return apiKey;
	}

	public void setApiKey(@Nullable String apiKey) {
		this.apiKey = apiKey;
	}

	public Duration getConnectTimeout() {
		return connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getRequestTimeout() {
		return requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public Duration getCloseTimeout() {
		return closeTimeout;
	}

	public void setCloseTimeout(Duration closeTimeout) {
		this.closeTimeout = closeTimeout;
	}

	public Retry getRetry() {
		return retry;
	}

	public Track getTrack() {
		return track;
	}

	public LocalEvaluation getLocalEvaluation() {
		return localEvaluation;
	}

	public Allowance getAllowance() {
		return allowance;
	}

	public Web getWeb() {
		return web;
	}

	/**
	 * Which failed calls are made again: only those safe to repeat (no answer, 502, 503,
	 * 504), each attempt of a change with the same idempotency key.
	 */
	public static class Retry {

		/** Attempts in all, the first included (1: no retry). */
		private int maxAttempts = 4;

		/** The wait before the first retry, doubled for each further one. */
		private Duration initialBackoff = Duration.ofMillis(200);

		/** The longest wait between two attempts computed by backoff. */
		private Duration maxBackoff = Duration.ofSeconds(5);

		/** The longest Retry-After an answer may ask for and be waited for. */
		private Duration maxRetryAfter = Duration.ofSeconds(30);

		public int getMaxAttempts() {
			return maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialBackoff() {
			return initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public Duration getMaxRetryAfter() {
			return maxRetryAfter;
		}

		public void setMaxRetryAfter(Duration maxRetryAfter) {
			this.maxRetryAfter = maxRetryAfter;
		}

	}

	/** The buffer of usage reported with Plangate.track, sent in the background. */
	public static class Track {

		/** How many tracked events may wait to be sent. */
		private int bufferSize = 10_000;

		/** The most events one request sends (at most 10,000). */
		private int batchSize = 1_000;

		/** How many requests of tracked events may be under way at once (1 to 16). */
		private int senders = 2;

		/** The longest a tracked event waits before it is sent. */
		private Duration flushInterval = Duration.ofSeconds(1);

		/**
		 * How long track waits for room in a full buffer before it throws (0: at once).
		 */
		private Duration blockTimeout = Duration.ofSeconds(1);

		public int getBufferSize() {
			return bufferSize;
		}

		public void setBufferSize(int bufferSize) {
			this.bufferSize = bufferSize;
		}

		public int getSenders() {
			return senders;
		}

		public void setSenders(int senders) {
			this.senders = senders;
		}

		public int getBatchSize() {
			return batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getFlushInterval() {
			return flushInterval;
		}

		public void setFlushInterval(Duration flushInterval) {
			this.flushInterval = flushInterval;
		}

		public Duration getBlockTimeout() {
			return blockTimeout;
		}

		public void setBlockTimeout(Duration blockTimeout) {
			this.blockTimeout = blockTimeout;
		}

	}

	/**
	 * Switch and setting checks answered in process from entitlements kept current by the
	 * server's entitlement stream (docs/sdk.md, Local evaluation).
	 */
	public static class LocalEvaluation {

		/** Whether checks of switches and settings are answered in process. */
		private boolean enabled;

		/**
		 * The longest the stream may be silent while checks are still answered in
		 * process; at least twice the server's keep-alive (5 s).
		 */
		private Duration stalenessBound = Duration.ofSeconds(15);

		/**
		 * The most customers whose entitlements are held; the least recently asked go
		 * first.
		 */
		private int maxCustomers = 10_000;

		/** A customer not asked about for this long is dropped. */
		private Duration idleExpiry = Duration.ofMinutes(10);

		/**
		 * The first wait before reconnecting a cut stream, doubled up to reconnect-max.
		 */
		private Duration reconnectMin = Duration.ofMillis(250);

		/** The longest wait between reconnection attempts. */
		private Duration reconnectMax = Duration.ofSeconds(10);

		public boolean isEnabled() {
			return enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getStalenessBound() {
			return stalenessBound;
		}

		public void setStalenessBound(Duration stalenessBound) {
			this.stalenessBound = stalenessBound;
		}

		public int getMaxCustomers() {
			return maxCustomers;
		}

		public void setMaxCustomers(int maxCustomers) {
			this.maxCustomers = maxCustomers;
		}

		public Duration getIdleExpiry() {
			return idleExpiry;
		}

		public void setIdleExpiry(Duration idleExpiry) {
			this.idleExpiry = idleExpiry;
		}

		public Duration getReconnectMin() {
			return reconnectMin;
		}

		public void setReconnectMin(Duration reconnectMin) {
			this.reconnectMin = reconnectMin;
		}

		public Duration getReconnectMax() {
			return reconnectMax;
		}

		public void setReconnectMax(Duration reconnectMax) {
			this.reconnectMax = reconnectMax;
		}

	}

	/**
	 * Allowance blocks, through which Plangate.allowances() consumes quotas in process
	 * (docs/sdk.md).
	 */
	public static class Allowance {

		/** The most units one block may hold: what a process may hold unspent. */
		private long maxBlock = 1_000_000;

		/** How much use a block is sized for, at the rate the last one was spent. */
		private Duration window = Duration.ofMillis(500);

		/**
		 * How long a block may go unused before its unspent units are given back; also
		 * how long a refusal is answered locally before asking again.
		 */
		private Duration idle = Duration.ofSeconds(2);

		public long getMaxBlock() {
			return maxBlock;
		}

		public void setMaxBlock(long maxBlock) {
			this.maxBlock = maxBlock;
		}

		public Duration getWindow() {
			return window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

		public Duration getIdle() {
			return idle;
		}

		public void setIdle(Duration idle) {
			this.idle = idle;
		}

	}

	/** How the annotations read web requests. */
	public static class Web {

		/**
		 * The request header whose value, when present, is the idempotency key of a
		 * request's @Consumes: a retried request is counted once.
		 */
		private String idempotencyKeyHeader = "Idempotency-Key";

		public String getIdempotencyKeyHeader() {
			return idempotencyKeyHeader;
		}

		public void setIdempotencyKeyHeader(String idempotencyKeyHeader) {
			this.idempotencyKeyHeader = idempotencyKeyHeader;
		}

	}

}

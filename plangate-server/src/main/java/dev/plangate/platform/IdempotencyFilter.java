package dev.plangate.platform;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code Idempotency-Key} for POST and DELETE: the first request with a key is handled
 * and its answer kept for {@code plangate.idempotency-ttl}; the same request again gets
 * the same answer (marked {@code Idempotent-Replayed: true}) without being handled twice,
 * on any node. The same key with a different request is refused (422
 * {@code idempotency_key_reused}), and while the first is still being handled a repeat
 * gets 409 {@code idempotency_key_in_use}. Keys are per caller. Server errors are not
 * kept, so they can be retried, and neither are answers a handler marks
 * {@link Idempotency#neverKeep()}. A {@code Prefer: return=minimal} is part of the
 * request, as it shapes the answer kept: the same key with the other preference is
 * another request, so no replay has the shape the repeat did not ask for; a kept answer's
 * {@code Preference-Applied} is replayed with it.
 */
class IdempotencyFilter extends OncePerRequestFilter {

	static final String HEADER = "Idempotency-Key";

	private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

	/**
	 * A first request that has been in flight this long is taken to have died with its
	 * node.
	 */
	private static final Duration ABANDONED = Duration.ofMinutes(2);

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final Clock clock;

	private final Duration ttl;

	IdempotencyFilter(JdbcClient jdbc, JsonMapper json, Clock clock, Duration ttl) {
		this.jdbc = jdbc;
		this.json = json;
		this.clock = clock;
		this.ttl = ttl;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return request.getHeader(HEADER) == null
				|| !("POST".equals(request.getMethod()) || "DELETE".equals(request.getMethod()));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String key = request.getHeader(HEADER);
		if (!KEY.matcher(key).matches()) {
			ProblemResponses.write(request, response, json, ErrorCode.INVALID_REQUEST,
					"Idempotency-Key must be 1 to 255 visible ASCII characters");
			return;
		}
		var caller = Actor.current();
		if (caller == Actor.SYSTEM) {
			chain.doFilter(request, response);
			return;
		}
		byte[] body;
		try {
			body = request.getInputStream().readAllBytes();
		}
		catch (RequestSizeFilter.TooLargeException ex) {
			ProblemResponses.write(request, response, json, ErrorCode.PAYLOAD_TOO_LARGE, ex.getMessage());
			return;
		}
		String hash = requestHash(request, body);
		var now = clock.instant();
		jdbc.sql("""
				delete from idempotency_record where caller = :caller and idem_key = :key
				  and (created_at < :expired or (status is null and created_at < :abandoned))""")
			.param("caller", caller.name())
			.param("key", key)
			.param("expired", Timestamps.sql(now.minus(ttl)))
			.param("abandoned", Timestamps.sql(now.minus(ABANDONED)))
			.update();
		boolean first = jdbc.sql("""
				insert into idempotency_record (caller, idem_key, request_hash, created_at)
				values (:caller, :key, :hash, :at) on conflict do nothing""")
			.param("caller", caller.name())
			.param("key", key)
			.param("hash", hash)
			.param("at", Timestamps.sql(now))
			.update() == 1;
		if (!first) {
			replay(request, caller.name(), key, hash, response);
			return;
		}
		var captured = new ContentCachingResponseWrapper(response);
		boolean kept = false;
		try {
			chain.doFilter(new Replaying(request, body), captured);
			if (captured.getStatus() < 500 && request.getAttribute(Idempotency.NEVER_KEPT) == null) {
				jdbc.sql("""
						update idempotency_record set status = :status, content_type = :type, body = :body,
						  preference_applied = :applied
						where caller = :caller and idem_key = :key""")
					.param("status", captured.getStatus())
					.param("type", captured.getContentType())
					.param("applied", captured.getHeader(Preferences.APPLIED))
					.param("body", storedBody(request, captured))
					.param("caller", caller.name())
					.param("key", key)
					.update();
				kept = true;
			}
		}
		finally {
			if (!kept) {
				jdbc.sql("delete from idempotency_record where caller = :caller and idem_key = :key")
					.param("caller", caller.name())
					.param("key", key)
					.update();
			}
			captured.copyBodyToResponse();
		}
	}

	private void replay(HttpServletRequest request, String caller, String key, String hash,
			HttpServletResponse response) throws IOException {
		record Stored(String hash, Integer status, String contentType, String body, String applied) {
		}
		Optional<Stored> stored = jdbc.sql("""
				select request_hash, status, content_type, body, preference_applied from idempotency_record
				where caller = :caller and idem_key = :key""")
			.param("caller", caller)
			.param("key", key)
			.query((rs, n) -> new Stored(rs.getString(1), (Integer) rs.getObject(2), rs.getString(3), rs.getString(4),
					rs.getString(5)))
			.optional();
		if (stored.isEmpty() || stored.get().status() == null) {
			response.setHeader("Retry-After", "1");
			ProblemResponses.write(request, response, json, ErrorCode.IDEMPOTENCY_KEY_IN_USE,
					"A request with this Idempotency-Key is still being handled; retry shortly");
			return;
		}
		if (!stored.get().hash().equals(hash)) {
			ProblemResponses.write(request, response, json, ErrorCode.IDEMPOTENCY_KEY_REUSED,
					"This Idempotency-Key was used for a different request; use a new key for a new request");
			return;
		}
		response.setStatus(stored.get().status());
		response.setHeader("Idempotent-Replayed", "true");
		if (stored.get().applied() != null) {
			response.setHeader(Preferences.APPLIED, stored.get().applied());
		}
		if (stored.get().contentType() != null) {
			response.setContentType(stored.get().contentType());
		}
		if (stored.get().body() != null) {
			response.getOutputStream().write(stored.get().body().getBytes(StandardCharsets.UTF_8));
		}
	}

	private String storedBody(HttpServletRequest request, ContentCachingResponseWrapper captured) {
		var redacted = request.getAttribute(Idempotency.REDACTED);
		return redacted != null ? json.writeValueAsString(redacted)
				: new String(captured.getContentAsByteArray(), StandardCharsets.UTF_8);
	}

	private static String requestHash(HttpServletRequest request, byte[] body) {
		String target = request.getMethod() + " " + request.getRequestURI()
				+ (request.getQueryString() == null ? "" : "?" + request.getQueryString())
				// the shape of the answer kept and replayed; absent keeps earlier hashes
				// valid
				+ (Preferences.returnMinimal(request) ? " " + Preferences.RETURN_MINIMAL : "") + "\n";
		return StoredJson.sha256(target + HexFormat.of().formatHex(body));
	}

	@Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
	void purgeExpired() {
		jdbc.sql("delete from idempotency_record where created_at < :expired")
			.param("expired", Timestamps.sql(clock.instant().minus(ttl)))
			.update();
	}

	/** The request with its body read once and replayed to the handler. */
	private static final class Replaying extends HttpServletRequestWrapper {

		private final byte[] body;

		Replaying(HttpServletRequest request, byte[] body) {
			super(request);
			this.body = body;
		}

		@Override
		public ServletInputStream getInputStream() {
			var in = new ByteArrayInputStream(body);
			return new ServletInputStream() {

				@Override
				public int read() {
					return in.read();
				}

				@Override
				public int read(byte[] b, int off, int len) {
					return in.read(b, off, len);
				}

				@Override
				public boolean isFinished() {
					return in.available() == 0;
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setReadListener(ReadListener listener) {
					throw new UnsupportedOperationException("synchronous reads only");
				}
			};
		}

	}

	/** Registers the filter after Spring Security's chain, so the caller is known. */
	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class Registration {

		@Bean
		IdempotencyFilter idempotencyFilter(JdbcClient jdbc, JsonMapper json, Clock clock, PlatformSettings settings) {
			return new IdempotencyFilter(jdbc, json, clock, settings.idempotencyTtl());
		}

		@Bean
		FilterRegistrationBean<IdempotencyFilter> idempotencyFilterRegistration(IdempotencyFilter filter) {
			var registration = new FilterRegistrationBean<>(filter);
			registration.setOrder(0);
			return registration;
		}

	}

}

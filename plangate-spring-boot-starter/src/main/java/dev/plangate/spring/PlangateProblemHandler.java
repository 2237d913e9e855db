package dev.plangate.spring;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.plangate.client.Decision;
import dev.plangate.client.RefusedException;

/**
 * Answers Plangate's refusals as the product's own RFC 9457 problems, with the status the
 * Plangate server gives each: 402 when the plan does not allow it
 * ({@code feature_not_in_plan}, {@code quota_exceeded}, {@code subscription_inactive}),
 * 403 for {@code customer_suspended}, 429 when it may pass later ({@code rate_limited},
 * {@code concurrency_limit_reached}) with {@code Retry-After} and the IETF
 * {@code RateLimit} and {@code RateLimit-Policy} headers. The problem names the
 * {@code code}, {@code feature}, limit, usage, reset time and the plan that would allow
 * it ({@code upgradePlan}). It handles refusals the product's own calls of
 * {@link dev.plangate.client.Plangate#consume} throw as well.
 * <p>
 * To answer differently, declare a bean of this type (a subclass overriding
 * {@link #problem}), or handle {@link PlangateRefusalException} in the product's own
 * {@code @RestControllerAdvice}, which comes first.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class PlangateProblemHandler {

	/** The base of the problems' {@code type}, followed by the code. */
	public static final String TYPE_BASE = "https://plangate.dev/problems/";

	@ExceptionHandler(PlangateRefusalException.class)
	public ResponseEntity<ProblemDetail> refused(PlangateRefusalException ex) {
		return problem(ex.status(), ex.decision());
	}

	@ExceptionHandler(RefusedException.class)
	public ResponseEntity<ProblemDetail> refused(RefusedException ex) {
		return problem(ex.status(), ex.decision());
	}

	@ExceptionHandler(CustomerUnresolvedException.class)
	public ResponseEntity<ProblemDetail> noCustomer(CustomerUnresolvedException ex) {
		var problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED,
				"The request does not say which customer it is for");
		problem.setType(URI.create(TYPE_BASE + "customer-unresolved"));
		problem.setTitle("No customer");
		problem.setProperty("code", "customer_unresolved");
		return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(problem);
	}

	/** The answer to a refusal with the given status. */
	protected ResponseEntity<ProblemDetail> problem(int status, Decision refusal) {
		var code = refusal.code() == null ? "refused" : refusal.code();
		var problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(status), detail(code, refusal));
		problem.setType(URI.create(TYPE_BASE + code.replace('_', '-')));
		problem.setTitle(title(code));
		problem.setProperty("code", code);
		problem.setProperty("feature", refusal.feature());
		putIfPresent(problem, "limit", refusal.limit());
		putIfPresent(problem, "used", refusal.used());
		putIfPresent(problem, "remaining", refusal.remaining());
		putIfPresent(problem, "resetsAt", refusal.resetsAt() == null ? null : refusal.resetsAt().toString());
		putIfPresent(problem, "retryAfter", refusal.retryAfterSeconds());
		putIfPresent(problem, "upgradePlan", refusal.upgradePlan());
		return ResponseEntity.status(status).headers(headers(code, refusal)).body(problem);
	}

	/**
	 * The headers of a refusal, as the Plangate server sets them: for a rate,
	 * {@code RateLimit-Policy: "feature";q=limit;w=window} and
	 * {@code RateLimit: "feature";r=remaining;t=seconds to reset}; for a concurrency
	 * limit, {@code RateLimit-Policy: "feature";q=limit} and
	 * {@code RateLimit: "feature";r=0;t=retry after}; {@code Retry-After} whenever asking
	 * again later could pass.
	 */
	protected HttpHeaders headers(String code, Decision refusal) {
		var headers = new HttpHeaders();
		var feature = "\"" + refusal.feature() + "\"";
		if (refusal.windowSeconds() != null && refusal.limit() != null) {
			long reset = refusal.resetsAt() == null ? 0 : Math.max(0,
					(long) Math.ceil(Duration.between(Instant.now(), refusal.resetsAt()).toMillis() / 1000.0));
			headers.set("RateLimit-Policy", feature + ";q=" + refusal.limit() + ";w=" + refusal.windowSeconds());
			headers.set("RateLimit",
					feature + ";r=" + (refusal.remaining() == null ? 0 : refusal.remaining()) + ";t=" + reset);
		}
		else if ("rate_limited".equals(code) && refusal.limit() != null) {
			// a refusal's problem may not say the window: the quota alone, and when to
			// retry
			headers.set("RateLimit-Policy", feature + ";q=" + refusal.limit());
			headers.set("RateLimit", feature + ";r=" + (refusal.remaining() == null ? 0 : refusal.remaining()) + ";t="
					+ (refusal.retryAfterSeconds() == null ? 0 : refusal.retryAfterSeconds()));
		}
		else if ("concurrency_limit_reached".equals(code) && refusal.limit() != null) {
			headers.set("RateLimit-Policy", feature + ";q=" + refusal.limit());
			headers.set("RateLimit",
					feature + ";r=0;t=" + (refusal.retryAfterSeconds() == null ? 0 : refusal.retryAfterSeconds()));
		}
		if (refusal.retryAfterSeconds() != null) {
			headers.set(HttpHeaders.RETRY_AFTER, String.valueOf(refusal.retryAfterSeconds()));
		}
		return headers;
	}

	private static String title(String code) {
		return switch (code) {
			case "feature_not_in_plan" -> "Not in your plan";
			case "quota_exceeded" -> "Quota used up";
			case "subscription_inactive" -> "Subscription not active";
			case "customer_suspended" -> "Account suspended";
			case "rate_limited" -> "Too many requests";
			case "concurrency_limit_reached" -> "Too many at once";
			default -> "Refused";
		};
	}

	private static String detail(String code, Decision refusal) {
		var upgrade = refusal.upgradePlan() == null ? "" : "; the " + refusal.upgradePlan() + " plan allows it";
		return switch (code) {
			case "feature_not_in_plan" -> "Your plan does not include " + refusal.feature() + upgrade;
			case "quota_exceeded" -> "Your " + refusal.feature() + " quota of " + refusal.limit() + " is used up"
					+ (refusal.resetsAt() == null ? "" : " until " + refusal.resetsAt()) + upgrade;
			case "subscription_inactive" -> "Your subscription is not active";
			case "customer_suspended" -> "Your account is suspended";
			case "rate_limited" -> "Too many " + refusal.feature() + " requests; try again in "
					+ refusal.retryAfterSeconds() + " s" + upgrade;
			case "concurrency_limit_reached" -> "All your " + refusal.limit() + " " + refusal.feature()
					+ " slots are in use; try again when one ends" + upgrade;
			default -> "Plangate refused " + refusal.feature();
		};
	}

	private static void putIfPresent(ProblemDetail problem, String name, @Nullable Object value) {
		if (value != null) {
			problem.setProperty(name, value);
		}
	}

}

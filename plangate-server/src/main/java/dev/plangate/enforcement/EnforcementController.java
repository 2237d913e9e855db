package dev.plangate.enforcement;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.CustomerId;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.EventId;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.Key;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

@RestController
@Tag(name = "Enforcement")
class EnforcementController {

	private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	/** The longest usage event id ({@link EventId}). */
	private static final int MAX_LEDGER_KEY = 200;

	private final EnforcementService enforcement;

	EnforcementController(EnforcementService enforcement) {
		this.enforcement = enforcement;
	}

	record CheckRequest(@NotNull @CustomerId String customerId, @NotNull @Key String feature,
			@Nullable @Min(1) @Max(1_000_000_000_000L) Long amount) {
	}

	record ConsumeRequest(@NotNull @CustomerId String customerId, @NotNull @Key String feature,
			@Nullable @Min(1) @Max(1_000_000_000_000L) Long amount,
			@Schema(deprecated = true,
					description = "Kept for earlier clients: send the `Idempotency-Key` header instead") @Nullable @EventId String idempotencyKey,
			@Nullable @Size(max = 50, message = "must have at most 50 keys") Map<String, Object> properties) {
	}

	@PostMapping("/v1/check")
	@Refusals({ ErrorCode.CUSTOMER_NOT_FOUND, ErrorCode.UNKNOWN_FEATURE, ErrorCode.FEATURE_KIND_NOT_SUPPORTED,
			ErrorCode.RATE_LIMITER_UNAVAILABLE })
	@Operation(operationId = "check", summary = "Would this be allowed now? Changes nothing",
			description = "Always 200: `allowed`, and when refused a `code` (`feature_not_in_plan`, "
					+ "`quota_exceeded`, `rate_limited`, `subscription_inactive`, `customer_suspended`) with the "
					+ "limit, usage, remaining, reset time and the cheapest plan that would allow it. Decides "
					+ "switch, setting, quota and rate features; `amount` defaults to 1.")
	Verdict check(@Valid @RequestBody CheckRequest request) {
		return enforcement.check(request.customerId(), request.feature(),
				request.amount() == null ? 1 : request.amount());
	}

	@PostMapping("/v1/consume")
	@Refusals({ ErrorCode.CUSTOMER_NOT_FOUND, ErrorCode.UNKNOWN_FEATURE, ErrorCode.FEATURE_KIND_NOT_SUPPORTED,
			ErrorCode.FEATURE_NOT_IN_PLAN, ErrorCode.QUOTA_EXCEEDED, ErrorCode.SUBSCRIPTION_INACTIVE,
			ErrorCode.CUSTOMER_SUSPENDED, ErrorCode.RATE_LIMITED, ErrorCode.RATE_LIMITER_UNAVAILABLE,
			ErrorCode.LEDGER_BUSY })
	@Operation(operationId = "consume", summary = "Check and record atomically",
			description = "For a quota, `amount` is admitted only if the period's usage stays within the limit, "
					+ "decided under a lock shared by every node and recorded in the ledger before the answer. "
					+ "For a rate feature, `amount` requests' worth is taken from the customer's allowance (GCRA: "
					+ "bursts of up to the limit, the limit per window sustained), with the IETF `RateLimit` and "
					+ "`RateLimit-Policy` headers. Allowed: 200 with the verdict. Refused: 402 (`quota_exceeded`, "
					+ "`feature_not_in_plan`, `subscription_inactive`), 403 (`customer_suspended`) or 429 "
					+ "(`rate_limited`, with `Retry-After`) problem carrying the verdict's members. Send an "
					+ "`Idempotency-Key` header (at most 200 characters here) so that a retry is not counted twice: "
					+ "a quota consume repeated with its key gets the first answer (`duplicate: true`), whenever it "
					+ "comes; rate decisions are not deduplicated. Without a key each consume counts.")
	ResponseEntity<Verdict> consume(@Valid @RequestBody ConsumeRequest request,
			@RequestHeader(name = IDEMPOTENCY_KEY, required = false) @Nullable String header) {
		var verdict = enforcement.consume(request.customerId(), request.feature(),
				request.amount() == null ? 1 : request.amount(), ledgerKey(request.idempotencyKey(), header),
				request.properties() == null ? Map.of() : request.properties());
		if (!verdict.allowed()) {
			throw enforcement.problem(verdict);
		}
		var answer = ResponseEntity.ok();
		enforcement.rateLimitHeaders(verdict).forEach(answer::header);
		return answer.body(verdict);
	}

	/**
	 * The key under which the ledger records a consume: the {@code Idempotency-Key}
	 * header, as on every other write, or the body's {@code idempotencyKey} of earlier
	 * clients; with neither, a key of its own, so that the consume counts once.
	 */
	private static String ledgerKey(@Nullable String body, @Nullable String header) {
		if (header == null) {
			return body != null ? body : UUID.randomUUID().toString();
		}
		if (body != null && !body.equals(header)) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST,
					"The body's idempotencyKey differs from the Idempotency-Key header: send the header alone",
					List.of(new FieldError("idempotencyKey", "differs from the Idempotency-Key header")));
		}
		if (header.length() > MAX_LEDGER_KEY) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST,
					"A consume's Idempotency-Key is recorded in the ledger: at most " + MAX_LEDGER_KEY + " characters",
					List.of(new FieldError(IDEMPOTENCY_KEY, "must be at most " + MAX_LEDGER_KEY + " characters")));
		}
		return header;
	}

}

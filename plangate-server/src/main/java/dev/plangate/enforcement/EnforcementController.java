package dev.plangate.enforcement;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.CustomerId;
import dev.plangate.platform.EventId;
import dev.plangate.platform.Key;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

@RestController
@Tag(name = "Enforcement")
class EnforcementController {

	private final EnforcementService enforcement;

	EnforcementController(EnforcementService enforcement) {
		this.enforcement = enforcement;
	}

	record CheckRequest(@NotNull @CustomerId String customerId, @NotNull @Key String feature,
			@Nullable @Min(1) @Max(1_000_000_000_000L) Long amount) {
	}

	record ConsumeRequest(@NotNull @CustomerId String customerId, @NotNull @Key String feature,
			@Nullable @Min(1) @Max(1_000_000_000_000L) Long amount, @NotNull @EventId String idempotencyKey,
			@Nullable @Size(max = 50, message = "must have at most 50 keys") Map<String, Object> properties) {
	}

	@PostMapping("/v1/check")
	@Operation(summary = "Would this be allowed now? Changes nothing",
			description = "Always 200: `allowed`, and when refused a `code` (`feature_not_in_plan`, "
					+ "`quota_exceeded`, `rate_limited`, `subscription_inactive`, `customer_suspended`) with the "
					+ "limit, usage, remaining, reset time and the cheapest plan that would allow it. Decides "
					+ "switch, setting, quota and rate features; `amount` defaults to 1.")
	Verdict check(@Valid @RequestBody CheckRequest request) {
		return enforcement.check(request.customerId(), request.feature(),
				request.amount() == null ? 1 : request.amount());
	}

	@PostMapping("/v1/consume")
	@Operation(summary = "Check and record atomically",
			description = "For a quota, `amount` is admitted only if the period's usage stays within the limit, "
					+ "decided under a lock shared by every node and recorded in the ledger before the answer. "
					+ "For a rate feature, `amount` requests' worth is taken from the customer's allowance (GCRA: "
					+ "bursts of up to the limit, the limit per window sustained), with the IETF `RateLimit` and "
					+ "`RateLimit-Policy` headers. Allowed: 200 with the verdict. Refused: 402 (`quota_exceeded`, "
					+ "`feature_not_in_plan`, `subscription_inactive`), 403 (`customer_suspended`) or 429 "
					+ "(`rate_limited`, with `Retry-After`) problem carrying the verdict's members. A repeated "
					+ "`idempotencyKey` of a quota consume gets the first answer (`duplicate: true`); rate "
					+ "decisions are not deduplicated.")
	ResponseEntity<Verdict> consume(@Valid @RequestBody ConsumeRequest request) {
		var verdict = enforcement.consume(request.customerId(), request.feature(),
				request.amount() == null ? 1 : request.amount(), request.idempotencyKey(),
				request.properties() == null ? Map.of() : request.properties());
		if (!verdict.allowed()) {
			throw enforcement.problem(verdict);
		}
		var answer = ResponseEntity.ok();
		enforcement.rateLimitHeaders(verdict).forEach(answer::header);
		return answer.body(verdict);
	}

}

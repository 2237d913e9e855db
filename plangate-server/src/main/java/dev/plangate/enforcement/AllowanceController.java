package dev.plangate.enforcement;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.CustomerId;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Key;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

@RestController
@Tag(name = "Enforcement")
class AllowanceController {

	private final AllowanceService allowances;

	AllowanceController(AllowanceService allowances) {
		this.allowances = allowances;
	}

	record ReserveRequest(@NotNull @CustomerId String customerId, @NotNull @Key String feature,
			@NotNull @Min(1) @Max(1_000_000_000_000L) Long amount, @Nullable @Min(1) @Max(3600) Integer ttlSeconds) {
	}

	record ReturnRequest(@NotNull @CustomerId String customerId,
			@NotNull @Min(0) @Max(1_000_000_000_000L) Long unspent) {
	}

	/**
	 * A block as reserved.
	 *
	 * @param granted the units reserved: the amount asked for, or what was left of the
	 * allowance when less
	 * @param limit the allowance (plan or override); absent when unlimited
	 * @param used the period's usage right after the block, the block included
	 * @param remaining what is left of the allowance after the block; absent when
	 * unlimited
	 * @param resetsAt when the quota's period ends; absent for a lifetime quota
	 */
	record AllowanceView(UUID id, String customerId, String feature, long granted, Instant reservedAt,
			Instant expiresAt, @Nullable Long limit, long used, @Nullable Long remaining, @Nullable Instant resetsAt) {
	}

	/**
	 * A block given back.
	 *
	 * @param unspent what the client left unspent
	 * @param returned what went back to the quota: {@code unspent}, or 0 when the block
	 * had expired or its period had ended
	 * @param spent what the block counts as used in the end
	 * @param duplicate the block was given back before with the same {@code unspent}:
	 * this is that first answer
	 */
	record ReturnView(UUID id, String customerId, String feature, long granted, long unspent, long returned, long spent,
			Instant returnedAt, boolean duplicate) {
	}

	@PostMapping("/v1/allowances")
	@ResponseStatus(HttpStatus.CREATED)
	@Refusals({ ErrorCode.CUSTOMER_NOT_FOUND, ErrorCode.UNKNOWN_FEATURE, ErrorCode.FEATURE_KIND_NOT_SUPPORTED,
			ErrorCode.FEATURE_NOT_IN_PLAN, ErrorCode.QUOTA_EXCEEDED, ErrorCode.SUBSCRIPTION_INACTIVE,
			ErrorCode.CUSTOMER_SUSPENDED, ErrorCode.LEDGER_BUSY })
	@Operation(operationId = "reserveAllowance", summary = "Reserve a block of a quota, to spend in process",
			description = "Reserves up to `amount` units of a quota feature: the amount, or what is left of the "
					+ "allowance (plan or override) when less. The block counts as used at once, decided like a "
					+ "consume under the lock every node shares and recorded in the ledger (event id "
					+ "`allowance:{id}`) before the answer, so a client may spend it without asking again and no "
					+ "number of clients or nodes can pass the limit. Give back what is left unspent with "
					+ "`POST /v1/allowances/{id}/return` before `expiresAt` (`ttlSeconds` after now, default 300, "
					+ "never past the period's end); a block not given back by then stays used. Nothing left: "
					+ "402 `quota_exceeded` with the limit, usage, reset and upgrade plan, as consume answers. "
					+ "Blocks are cut from the allowance only: grants and a soft limit's overage are taken by "
					+ "consume. Send an `Idempotency-Key` so that a retried reservation is not counted twice.")
	AllowanceView reserve(@Valid @RequestBody ReserveRequest request) {
		var reserved = allowances.reserve(request.customerId(), request.feature(), request.amount(),
				request.ttlSeconds() == null ? AllowanceService.DEFAULT_TTL : Duration.ofSeconds(request.ttlSeconds()));
		var a = reserved.allowance();
		return new AllowanceView(a.id(), a.customerId(), a.feature(), a.granted(), a.reservedAt(), a.expiresAt(),
				reserved.limit(), reserved.used(), reserved.remaining(), reserved.resetsAt());
	}

	@PostMapping("/v1/allowances/{id}/return")
	@Refusals({ ErrorCode.ALLOWANCE_NOT_FOUND, ErrorCode.ALLOWANCE_RETURNED, ErrorCode.LEDGER_BUSY })
	@Operation(operationId = "returnAllowance", summary = "Give a block's unspent units back",
			description = "Once per block: while it lives, its `unspent` units (at most what it granted) go back to "
					+ "the quota and leave the ledger (event id `allowance:{id}:returned`, of `-unspent`), so that "
					+ "the period's usage and what is billed count only what was spent. After `expiresAt`, or once "
					+ "the quota's period has ended, nothing changes (`returned: 0`). The same return again answers "
					+ "the first (`duplicate: true`); another `unspent` is refused with 409 `allowance_returned`. "
					+ "A block of another customer is 404 `allowance_not_found`.")
	ReturnView giveBack(@PathVariable UUID id, @Valid @RequestBody ReturnRequest request) {
		var answer = allowances.giveBack(request.customerId(), id, request.unspent());
		var a = answer.allowance();
		long returned = a.returned() == null ? 0 : a.returned();
		return new ReturnView(a.id(), a.customerId(), a.feature(), a.granted(), a.unspent() == null ? 0 : a.unspent(),
				returned, a.granted() - returned, a.returnedAt() == null ? Instant.EPOCH : a.returnedAt(),
				answer.duplicate());
	}

}

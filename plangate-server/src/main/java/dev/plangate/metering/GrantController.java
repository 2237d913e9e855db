package dev.plangate.metering;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.catalog.PlanView;
import dev.plangate.platform.CustomerId;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Key;
import dev.plangate.platform.Page;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

@RestController
@RequestMapping("/v1/customers/{id}/grants")
@Tag(name = "Grants")
class GrantController {

	private final GrantService grants;

	private final Clock clock;

	GrantController(GrantService grants, Clock clock) {
		this.grants = grants;
		this.clock = clock;
	}

	/**
	 * @param price what the customer pays for the grant (a paid emergency pool); absent
	 * for a free grant
	 * @param payment for a priced grant: {@code immediate} (the default: with Stripe, an
	 * invoice is made at once and the grant is drawn on once Stripe says it is paid) or
	 * {@code deferred} (billed on the customer's next invoice; drawn on at once)
	 */
	record NewGrant(@NotNull @Key String feature, @NotNull @Min(1) @Max(1_000_000_000_000_000L) Long amount,
			@Nullable @Size(max = 500) String reason, @Nullable Instant startsAt, @Nullable Instant expiresAt,
			@Nullable @Valid NewPrice price, @Nullable @Pattern(regexp = "immediate|deferred") String payment) {
	}

	/**
	 * @param amount in minor units of {@code currency}
	 * @param currency an ISO 4217 code
	 */
	record NewPrice(@NotNull @Min(1) @Max(1_000_000_000_000L) Long amount,
			@NotNull @Pattern(regexp = "[A-Z]{3}") String currency) {
	}

	/**
	 * @param drawn what consumes have drawn from it so far
	 * @param status {@code active}, {@code scheduled}, {@code awaiting_payment},
	 * {@code spent}, {@code expired} or {@code revoked}
	 * @param price what the customer pays for it; absent for a free grant
	 * @param payment {@code immediate} or {@code deferred}, for a priced grant
	 */
	record GrantView(UUID id, String customerId, String feature, long amount, long remaining, long drawn, String status,
			@Nullable String reason, Instant startsAt, @Nullable Instant expiresAt, String createdBy, Instant createdAt,
			@Nullable Instant revokedAt, PlanView.@Nullable Price price, @Nullable String payment) {

		static GrantView of(Grant g, Instant now) {
			return new GrantView(g.id(), g.customerId(), g.feature(), g.amount(), g.remaining(),
					g.amount() - g.remaining(), g.statusAt(now), g.reason(), g.startsAt(), g.expiresAt(), g.createdBy(),
					g.createdAt(), g.revokedAt(), g.price(), g.payment());
		}
	}

	@Refusals({ ErrorCode.INVALID_GRANT, ErrorCode.UNKNOWN_FEATURE })
	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(operationId = "createGrant", summary = "Give a customer an extra amount of a quota",
			description = "Credits or an emergency pool: drawn by `consume` only once the plan's allowance for the "
					+ "period is spent, soonest-expiring grant first. What is drawn is gone for good; what remains "
					+ "at `expiresAt` is forfeited. Per-period quotas only (a lifetime quota's limit is raised with "
					+ "an override). With `price`, the grant is a paid emergency pool, charged once: without a "
					+ "payment provider it is recorded as a charge and usable at once; with Stripe an `immediate` "
					+ "payment makes an invoice and the grant is `awaiting_payment` until Stripe's `invoice.paid`, "
					+ "a `deferred` one adds an invoice item to the customer's next invoice and is usable at once. "
					+ "409 `no_billing_customer` with Stripe when the customer has no Stripe customer.")
	GrantView create(@PathVariable @CustomerId String id, @Valid @RequestBody NewGrant request) {
		var price = request.price();
		var grant = grants.create(id, request.feature(), request.amount(), request.reason(), request.startsAt(),
				request.expiresAt(),
				price == null ? null : new PlanView.Price(price.amount(), Objects.requireNonNull(price.currency())),
				request.payment());
		return GrantView.of(grant, clock.instant());
	}

	@GetMapping
	@Operation(operationId = "listGrants", summary = "List a customer's grants, newest first",
			description = "Every grant, whatever its status; `feature` keeps one feature's.")
	Page<GrantView> list(@PathVariable @CustomerId String id,
			@RequestParam(required = false) @Nullable @Key String feature) {
		var now = clock.instant();
		return Page.of(grants.list(id, feature).stream().map(g -> GrantView.of(g, now)).toList());
	}

	@GetMapping("/{grantId}")
	@Operation(operationId = "getGrant", summary = "Read one grant")
	GrantView get(@PathVariable @CustomerId String id, @PathVariable UUID grantId) {
		return GrantView.of(grants.get(id, grantId), clock.instant());
	}

	@Refusals({ ErrorCode.GRANT_REVOKED })
	@DeleteMapping("/{grantId}")
	@Operation(operationId = "revokeGrant", summary = "Revoke a grant",
			description = "What remains of it can no longer be drawn; what was drawn "
					+ "stays counted. 409 `grant_revoked` when it was revoked before.")
	GrantView revoke(@PathVariable @CustomerId String id, @PathVariable UUID grantId) {
		return GrantView.of(grants.revoke(id, grantId), clock.instant());
	}

}

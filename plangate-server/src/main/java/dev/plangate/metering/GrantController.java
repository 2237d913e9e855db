package dev.plangate.metering;

import java.time.Clock;
import java.time.Instant;
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

import dev.plangate.platform.CustomerId;
import dev.plangate.platform.Key;
import dev.plangate.platform.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
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

	record NewGrant(@NotNull @Key String feature, @NotNull @Min(1) @Max(1_000_000_000_000_000L) Long amount,
			@Nullable @Size(max = 500) String reason, @Nullable Instant startsAt, @Nullable Instant expiresAt) {
	}

	/**
	 * @param drawn what consumes have drawn from it so far
	 * @param status {@code active}, {@code scheduled}, {@code spent}, {@code expired} or
	 * {@code revoked}
	 */
	record GrantView(UUID id, String customerId, String feature, long amount, long remaining, long drawn, String status,
			@Nullable String reason, Instant startsAt, @Nullable Instant expiresAt, String createdBy, Instant createdAt,
			@Nullable Instant revokedAt) {

		static GrantView of(Grant g, Instant now) {
			return new GrantView(g.id(), g.customerId(), g.feature(), g.amount(), g.remaining(),
					g.amount() - g.remaining(), g.statusAt(now), g.reason(), g.startsAt(), g.expiresAt(), g.createdBy(),
					g.createdAt(), g.revokedAt());
		}
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(operationId = "createGrant", summary = "Give a customer an extra amount of a quota",
			description = "Credits or an emergency pool: drawn by `consume` only once the plan's allowance for the "
					+ "period is spent, soonest-expiring grant first. What is drawn is gone for good; what remains "
					+ "at `expiresAt` is forfeited. Per-period quotas only (a lifetime quota's limit is raised with "
					+ "an override).")
	GrantView create(@PathVariable @CustomerId String id, @Valid @RequestBody NewGrant request) {
		var grant = grants.create(id, request.feature(), request.amount(), request.reason(), request.startsAt(),
				request.expiresAt());
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

	@DeleteMapping("/{grantId}")
	@Operation(operationId = "revokeGrant", summary = "Revoke a grant",
			description = "What remains of it can no longer be drawn; what was drawn "
					+ "stays counted. 409 `grant_revoked` when it was revoked before.")
	GrantView revoke(@PathVariable @CustomerId String id, @PathVariable UUID grantId) {
		return GrantView.of(grants.revoke(id, grantId), clock.instant());
	}

}

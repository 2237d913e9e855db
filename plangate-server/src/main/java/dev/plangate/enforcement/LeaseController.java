package dev.plangate.enforcement;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
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
@Tag(name = "Concurrency leases")
class LeaseController {

	private final LeaseService leases;

	LeaseController(LeaseService leases) {
		this.leases = leases;
	}

	record AcquireRequest(@NotNull @CustomerId String customerId, @NotNull @Key String feature,
			@Nullable @Min(1) @Max(86_400) Integer ttlSeconds) {
	}

	record LeaseHeartbeat(@Nullable @Min(1) @Max(86_400) Integer ttlSeconds) {
	}

	record LeaseView(UUID id, String customerId, String feature, Instant acquiredAt, Instant expiresAt,
			@Nullable Integer held, @Nullable Long limit) {

		static LeaseView of(Lease lease, @Nullable Integer held, @Nullable Long limit) {
			return new LeaseView(lease.id(), lease.customerId(), lease.feature(), lease.acquiredAt(), lease.expiresAt(),
					held, limit);
		}
	}

	@PostMapping("/v1/leases")
	@ResponseStatus(HttpStatus.CREATED)
	@Refusals({ ErrorCode.CUSTOMER_NOT_FOUND, ErrorCode.UNKNOWN_FEATURE, ErrorCode.FEATURE_KIND_NOT_SUPPORTED,
			ErrorCode.FEATURE_NOT_IN_PLAN, ErrorCode.SUBSCRIPTION_INACTIVE, ErrorCode.CUSTOMER_SUSPENDED,
			ErrorCode.CONCURRENCY_LIMIT_REACHED })
	@Operation(operationId = "acquireLease", summary = "Take a concurrency slot",
			description = "For a concurrency feature (say, concurrent jobs): admitted while the customer holds fewer "
					+ "leases than its limit, across every node. Full: 429 `concurrency_limit_reached` with "
					+ "`Retry-After` (when the soonest lease expires) and `RateLimit`/`RateLimit-Policy` headers. "
					+ "A lease lasts `ttlSeconds` (default 60) unless heartbeats extend it; an expired lease frees "
					+ "its slot.")
	LeaseView acquire(@Valid @RequestBody AcquireRequest request) {
		var acquired = leases.acquire(request.customerId(), request.feature(), ttl(request.ttlSeconds()));
		return LeaseView.of(acquired.lease(), acquired.held(), acquired.limit());
	}

	@PostMapping("/v1/leases/{id}/heartbeat")
	@Refusals({ ErrorCode.LEASE_NOT_FOUND })
	@Operation(operationId = "heartbeatLease", summary = "Extend a lease still held",
			description = "404 `lease_not_found` once it has expired.")
	LeaseView heartbeat(@PathVariable UUID id, @Valid @RequestBody(required = false) @Nullable LeaseHeartbeat request) {
		return LeaseView.of(leases.heartbeat(id, ttl(request == null ? null : request.ttlSeconds())), null, null);
	}

	@DeleteMapping("/v1/leases/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Refusals({ ErrorCode.LEASE_NOT_FOUND })
	@Operation(operationId = "releaseLease", summary = "Release a lease, freeing its slot")
	void release(@PathVariable UUID id) {
		leases.release(id);
	}

	private static Duration ttl(@Nullable Integer seconds) {
		return seconds == null ? LeaseService.DEFAULT_TTL : Duration.ofSeconds(seconds);
	}

}

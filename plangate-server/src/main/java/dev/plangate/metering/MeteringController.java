package dev.plangate.metering;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.platform.CustomerId;
import dev.plangate.platform.EventId;
import dev.plangate.platform.Key;
import dev.plangate.subscription.SubscriptionService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

@RestController
@Tag(name = "Usage")
class MeteringController {

	/** The share of a limit at which the usage view warns. */
	static final int APPROACHING_PERCENT = 80;

	/**
	 * A projection made on less of the period than this is noise: it is left out until
	 * then.
	 */
	static final double MIN_ELAPSED_TO_PROJECT = 0.1;

	private final MeteringService metering;

	private final SubscriptionService subscriptions;

	private final CatalogService catalog;

	private final GrantService grants;

	private final Clock clock;

	MeteringController(MeteringService metering, SubscriptionService subscriptions, CatalogService catalog,
			GrantService grants, Clock clock) {
		this.metering = metering;
		this.grants = grants;
		this.subscriptions = subscriptions;
		this.catalog = catalog;
		this.clock = clock;
	}

	record EventInput(@NotNull @EventId String id, @NotNull @CustomerId String customerId, @NotNull @Key String feature,
			@NotNull Long amount, @Nullable Instant timestamp,
			@Nullable @Size(max = 50, message = "must have at most 50 keys") Map<String, Object> properties) {
	}

	record IngestRequest(@NotEmpty @Size(max = 10_000) List<@Valid @NotNull EventInput> events) {
	}

	record IngestResult(int recorded, int duplicates, List<Recorded> events) {
	}

	@PostMapping("/v1/usage-events")
	@Operation(summary = "Record usage events (1 to 10,000 per request)",
			description = "Each event's `id` makes it idempotent per customer: a repeated id is not counted again "
					+ "and is answered with what was recorded first (`duplicate: true`). Events are validated "
					+ "together: one bad event refuses the request (422 `invalid_usage_events` naming each) and "
					+ "nothing is recorded. The answer comes after the events are committed to the ledger.")
	IngestResult record(@Valid @RequestBody IngestRequest request) {
		var events = request.events()
			.stream()
			.map(e -> new MeteringService.NewEvent(e.id(), e.customerId(), e.feature(), e.amount(), e.timestamp(),
					e.properties() == null ? Map.of() : e.properties()))
			.toList();
		var recorded = metering.record(events);
		int duplicates = (int) recorded.stream().filter(Recorded::duplicate).count();
		return new IngestResult(recorded.size() - duplicates, duplicates, recorded);
	}

	/**
	 * One quota's state in its current period.
	 *
	 * @param used everything used this period, grants' share included
	 * @param limit the plan's allowance (or the customer's override)
	 * @param remaining what is left of the allowance, grants not counted
	 * @param overage what was used beyond the allowance and the grants (usage recorded
	 * after the fact can exceed them)
	 * @param grants the customer's grants of this feature; absent when it has none
	 */
	record QuotaUsage(String feature, String name, @Nullable String unit, String period, Instant periodStart,
			@Nullable Instant periodEnd, @Nullable Long daysRemaining, long used, @Nullable Long limit,
			boolean unlimited, @Nullable Long remaining, @Nullable Double percent, @Nullable Long projected,
			@Nullable Long overage, @Nullable GrantsView grants, List<String> alerts) {
	}

	/**
	 * @param granted what the active grants gave in all
	 * @param remaining what they hold now, drawn once the allowance is spent
	 * @param drawnThisPeriod what this period's consumes drew from grants
	 */
	record GrantsView(long granted, long remaining, long drawnThisPeriod, List<ActiveGrant> active) {
	}

	record ActiveGrant(java.util.UUID id, long amount, long remaining, @Nullable Instant expiresAt,
			@Nullable String reason) {
	}

	record UsageView(String customerId, String plan, Instant at, List<QuotaUsage> quotas) {
	}

	@GetMapping("/v1/customers/{id}/usage")
	@Operation(summary = "A customer's usage of every quota in its current period",
			description = "Used, limit, remaining and percent; the period and days remaining; a projection of "
					+ "end-of-period usage, linear on the period so far (left out until a tenth of the period "
					+ "has passed); alerts `approaching` from 80 % and `reached` once the limit is used up. Grants "
					+ "are reported apart: what they hold, what this period drew from them, and the overage beyond "
					+ "allowance and grants.")
	UsageView usage(@PathVariable @CustomerId String id) {
		var entitlements = subscriptions.entitlements(id);
		var now = clock.instant();
		var quotas = new ArrayList<QuotaUsage>();
		for (var feature : catalog.features()) {
			if (feature.kind() != FeatureKind.QUOTA) {
				continue;
			}
			var entitlement = entitlements.features().get(feature.key());
			var usage = metering.usage(id, feature);
			var period = usage.period();
			Long limit = entitlement.unlimited() ? null : entitlement.limit() == null ? 0L : entitlement.limit();
			Long remaining = limit == null ? null : Math.max(0, limit - usage.used());
			Double percent = limit == null ? null
					: limit == 0 ? (usage.used() > 0 ? 100.0 : 0.0) : Math.round(1000.0 * usage.used() / limit) / 10.0;
			double elapsed = period.elapsed(now);
			Long projected = period.end() == null ? Long.valueOf(usage.used())
					: elapsed < MIN_ELAPSED_TO_PROJECT ? null : Long.valueOf(Math.round(usage.used() / elapsed));
			// alerts compare the exact share, not the rounded percent shown
			var alerts = new ArrayList<String>();
			if (limit != null && limit > 0) {
				if (usage.used() >= limit) {
					alerts.add("reached");
				}
				else if (usage.used() * 100 >= APPROACHING_PERCENT * limit) {
					alerts.add("approaching");
				}
			}
			Long daysRemaining = period.end() == null ? null
					: (long) Math.ceil(Duration.between(now, period.end()).toSeconds() / 86400.0);
			var granted = grants.usage(id, feature.key(), period);
			Long overage = limit == null ? null : Math.max(0, usage.used() - limit - granted.drawnThisPeriod());
			var grantsView = granted.active().isEmpty() && granted.drawnThisPeriod() == 0 ? null
					: new GrantsView(granted.granted(), granted.remaining(), granted.drawnThisPeriod(),
							granted.active()
								.stream()
								.map(g -> new ActiveGrant(g.id(), g.amount(), g.remaining(), g.expiresAt(), g.reason()))
								.toList());
			quotas.add(new QuotaUsage(feature.key(), feature.name(), feature.unit(), feature.period().id(),
					period.start(), period.end(), daysRemaining, usage.used(), limit, entitlement.unlimited(),
					remaining, percent, projected, overage, grantsView, alerts));
		}
		return new UsageView(id, entitlements.subscription().plan().key(), now, quotas);
	}

}

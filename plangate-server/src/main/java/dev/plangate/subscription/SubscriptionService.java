package dev.plangate.subscription;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.audit.AuditLog;
import dev.plangate.catalog.BillingInterval;
import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.Entitlement;
import dev.plangate.catalog.EntitlementView;
import dev.plangate.catalog.Feature;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.catalog.Plan;
import dev.plangate.customer.Customer;
import dev.plangate.customer.CustomerEvents;
import dev.plangate.customer.CustomerService;
import dev.plangate.customer.CustomerStatus;
import dev.plangate.customer.Override;
import dev.plangate.platform.Actor;
import dev.plangate.platform.EntitlementChanges;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.OutboundEvent;
import dev.plangate.platform.PlangateException;

/**
 * Subscriptions: one per customer, started on the default plan, moved between plans,
 * canceled back to the default plan. Time-driven transitions (trial end, renewal, a
 * cancellation due) are applied when a subscription is read, so no scheduler has to run
 * for them to be right.
 */
@Service
public class SubscriptionService {

	private final SubscriptionRepository repository;

	private final CatalogService catalog;

	private final CustomerService customers;

	private final AuditLog auditLog;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final ApplicationEventPublisher events;

	private final List<Holdings> holdings;

	private final SubscriptionSettings settings;

	private final List<PaymentProvider> providers;

	private final CustomerStates states;

	private final EntitlementChanges entitlementChanges;

	SubscriptionService(SubscriptionRepository repository, CatalogService catalog, CustomerService customers,
			AuditLog auditLog, TransactionTemplate transactions, Clock clock, ApplicationEventPublisher events,
			List<Holdings> holdings, SubscriptionSettings settings, List<PaymentProvider> providers,
			CustomerStates states, EntitlementChanges entitlementChanges) {
		this.repository = repository;
		this.states = states;
		this.entitlementChanges = entitlementChanges;
		this.providers = providers;
		this.holdings = holdings;
		this.settings = settings;
		this.catalog = catalog;
		this.customers = customers;
		this.auditLog = auditLog;
		this.transactions = transactions;
		this.clock = clock;
		this.events = events;
	}

	/**
	 * Stores a changed subscription and tells other modules, in the same transaction, so
	 * that what depends on the plan (queued batches) follows it.
	 */
	private void save(Subscription changed, Instant readPeriodEnd, Instant now) {
		if (repository.update(changed, readPeriodEnd, now)) {
			customers.stateChanged(changed.customerId());
		}
		events.publishEvent(new SubscriptionEvents.Changed(changed.customerId()));
		entitlementChanges.changed(changed.customerId(), "subscription.changed");
	}

	@EventListener
	void on(CustomerEvents.Created created) {
		var plan = catalog.defaultPlan();
		var now = clock.instant();
		var subscription = Lifecycle.start(UUID.randomUUID(), created.customerId(), plan, true, now);
		repository.insert(subscription, now);
		customers.stateChanged(created.customerId());
		repository.recordChange(subscription, "created", null, null, Actor.current().name(), now);
		announce(null, subscription, "created");
	}

	@EventListener
	void on(CustomerEvents.Deleted deleted) {
		repository.lock(deleted.customerId()).ifPresent(s -> {
			var now = clock.instant();
			var ended = Lifecycle.end(s, now);
			save(ended, s.currentPeriodEnd(), now);
			repository.recordChange(ended, "ended", s.planKey(), s.planVersion(), Actor.current().name(), now);
			announce(s, ended, "ended");
		});
	}

	/** The customer's subscription as of now. */
	public Subscription current(String customerId) {
		return current(customers.get(customerId));
	}

	/** The customer's subscription as of now, as the API shows it. */
	public SubscriptionView view(String customerId) {
		return view(current(customerId));
	}

	/** A subscription as the API shows it. */
	SubscriptionView view(Subscription s) {
		var pending = s.pending();
		return SubscriptionView.of(s, planOf(s),
				pending == null ? null : catalog.planVersion(pending.planKey(), pending.planVersion()),
				Lifecycle.graceEnd(s, settings.dunning()));
	}

	/** The subscription as of now of a customer just read. */
	public Subscription current(Customer customer) {
		String customerId = customer.id();
		var read = repository.find(customerId)
			.orElseThrow(() -> new IllegalStateException("Customer '" + customerId + "' has no subscription"));
		var advanced = advance(read);
		if (!advanced.changed()) {
			return read;
		}
		return transactions.execute(status -> {
			var locked = repository.lock(customerId).orElseThrow();
			var again = advanceChecked(locked);
			if (again.changed()) {
				persist(locked, again);
			}
			return again.subscription();
		});
	}

	/** When a plan change takes effect. */
	public enum When {

		NOW, PERIOD_END;

		public String id() {
			return name().toLowerCase(Locale.ROOT);
		}

		public static @Nullable When of(@Nullable String id) {
			return id == null ? null : valueOf(id.toUpperCase(Locale.ROOT));
		}

	}

	/**
	 * Moves the customer to the current version of a plan: at once, or at the end of the
	 * current period. Unless {@code when} says otherwise, a downgrade (a lower price per
	 * year) of a paid period waits for its end, and anything else happens now. Naming the
	 * subscribed plan and version changes nothing but takes back a scheduled change or
	 * cancellation.
	 * @param force move although the customer holds more than the plan allows
	 * @throws PlangateException {@code downgrade_blocked} listing what the customer holds
	 * above the plan's limits, unless forced
	 */
	@Transactional
	public Subscription changePlan(String customerId, String planKey, @Nullable When when, boolean force) {
		var provider = lockProvider(customerId);
		var s = lockLive(customerId);
		var plan = catalog.choosablePlan(planKey, "plan");
		var now = clock.instant();
		boolean samePlan = s.planKey().equals(plan.key()) && s.planVersion() == plan.version();
		if (samePlan && !s.cancelAtPeriodEnd() && s.pending() == null) {
			return s;
		}
		var violations = samePlan ? List.<Holdings.Violation>of() : violations(customerId, plan);
		if (!violations.isEmpty() && !force) {
			throw blocked(customerId, plan, violations);
		}
		var effective = samePlan ? When.NOW : effectiveWhen(s, plan, when);
		if (provider != null) {
			carry(provider, s, plan, effective);
		}
		if (!samePlan && effective == When.PERIOD_END) {
			var scheduled = Lifecycle.schedule(s, plan, !violations.isEmpty(), now);
			save(scheduled, s.currentPeriodEnd(), now);
			repository.recordChange(scheduled, "change_scheduled", s.planKey(), s.planVersion(), plan.key(),
					plan.version(), Actor.current().name(), now);
			announce(s, scheduled, "change_scheduled");
			auditLog.record("subscription.change_scheduled", "customer", customerId, s,
					auditedChange(scheduled, violations));
			return scheduled;
		}
		// the provider starts no trial when its subscription changes price
		boolean trial = provider == null && !s.planKey().equals(plan.key())
				&& !repository.hasTrialed(customerId, plan.key());
		var changed = Lifecycle.change(s, intervalOf(s), plan, trial, now);
		save(changed, s.currentPeriodEnd(), now);
		String action = s.planKey().equals(plan.key()) ? "migrated" : "plan_changed";
		repository.recordChange(changed, action, s.planKey(), s.planVersion(), Actor.current().name(), now);
		announce(s, changed, action);
		auditLog.record("subscription." + action, "customer", customerId, s, auditedChange(changed, violations));
		return changed;
	}

	/**
	 * What moving to a plan would do: when, at what cost, and what the customer holds
	 * above its limits.
	 */
	public ChangePreview preview(String customerId, String planKey, @Nullable When when) {
		var s = current(customerId);
		var from = planOf(s);
		var plan = catalog.choosablePlan(planKey, "plan");
		var now = clock.instant();
		boolean samePlan = s.planKey().equals(plan.key()) && s.planVersion() == plan.version();
		var effective = samePlan ? When.NOW : effectiveWhen(s, plan, when);
		var violations = samePlan ? List.<Holdings.Violation>of() : violations(customerId, plan);
		int direction = Proration.direction(from.definition(), plan.definition());
		var target = plan.definition();
		ChangePreview.Proration proration;
		Instant effectiveAt;
		Instant nextAt;
		if (effective == When.NOW && !samePlan) {
			boolean trial = !s.planKey().equals(plan.key()) && !repository.hasTrialed(customerId, plan.key());
			var after = Lifecycle.change(s, intervalOf(s), plan, trial, now);
			proration = Proration.now(s, from, after, plan, now);
			effectiveAt = now;
			nextAt = after.currentPeriodEnd();
		}
		else {
			proration = Proration.none(s, plan, now);
			effectiveAt = samePlan ? now : s.currentPeriodEnd();
			nextAt = s.currentPeriodEnd();
		}
		var directionName = direction > 0 ? "upgrade" : direction < 0 ? "downgrade" : "same";
		if (!samePlan && target.price() > 0 && target.stripePrice() != null) {
			for (var provider : providers) {
				var name = provider.owns(customerId);
				if (name.isEmpty()) {
					continue;
				}
				var quote = provider.preview(providerChange(s, plan), effective == When.NOW, direction > 0);
				if (quote.isPresent()) {
					return new ChangePreview(customerId, SubscriptionView.PlanRef.of(from),
							SubscriptionView.PlanRef.of(plan), directionName, effective.id(), effectiveAt,
							violations.isEmpty(), violations, null, quote.get().dueNow(), new ChangePreview.NextInvoice(
									s.currentPeriodEnd(), target.currency(), quote.get().nextAmount()),
							name.get());
				}
			}
		}
		long nextAmount = Math.max(0, target.price() + Math.min(0, proration.net()));
		return new ChangePreview(customerId, SubscriptionView.PlanRef.of(from), SubscriptionView.PlanRef.of(plan),
				directionName, effective.id(), effectiveAt, violations.isEmpty(), violations, proration,
				Math.max(0, proration.net()), new ChangePreview.NextInvoice(nextAt, target.currency(), nextAmount),
				"plangate");
	}

	/**
	 * What a payment provider says a customer's subscription is: its plan version, status
	 * and period, which Plangate follows.
	 *
	 * @param periodAnchor the instant the provider counts periods from
	 * @param scheduled whether the provider holds a change scheduled for later (a plan
	 * change at the period's end asked through Plangate's API stays pending while it
	 * does)
	 */
	public record ProviderState(Plan plan, SubscriptionStatus status, Instant periodAnchor, Instant periodStart,
			Instant periodEnd, @Nullable Instant trialEnd, boolean cancelAtPeriodEnd, boolean scheduled) {
	}

	/**
	 * Makes a customer's subscription what its payment provider says it is, recorded as
	 * done by the current actor (the provider). A change scheduled in Plangate stays
	 * while the provider holds it scheduled on the same plan, and is dropped otherwise:
	 * the provider decides. Nothing changes when it already matches.
	 */
	@Transactional
	public Subscription follow(String customerId, ProviderState state) {
		var s = lockLive(customerId);
		var now = clock.instant();
		if (state.status() == SubscriptionStatus.INCOMPLETE) {
			return awaitingPayment(customerId, s, now);
		}
		if (state.status() == SubscriptionStatus.UNPAID && settings.dunning().toDefaultPlan()) {
			return toDefaultPlan(customerId, s, "grace_ended", now);
		}
		var plan = state.plan();
		var canceledAt = state.cancelAtPeriodEnd() ? (s.canceledAt() != null ? s.canceledAt() : now) : null;
		boolean stillOwing = s.pastDueSince() != null
				&& (s.status() == SubscriptionStatus.PAST_DUE || s.status() == SubscriptionStatus.UNPAID);
		var pastDueSince = switch (state.status()) {
			case PAST_DUE, UNPAID -> stillOwing ? s.pastDueSince() : now;
			default -> null;
		};
		boolean samePlan = s.planKey().equals(plan.key()) && s.planVersion() == plan.version();
		var pending = state.scheduled() && samePlan ? s.pending() : null;
		var next = new Subscription(s.id(), customerId, plan.key(), plan.version(), state.status(), s.startedAt(),
				state.periodAnchor(), state.periodStart(), state.periodEnd(), state.trialEnd(),
				state.cancelAtPeriodEnd(), canceledAt, null, pending, pastDueSince);
		if (next.status() == SubscriptionStatus.PAST_DUE) {
			// a grace that ended already ends now
			var advanced = advanceChecked(next);
			next = advanced.subscription();
		}
		if (next.equals(s)) {
			return s;
		}
		save(next, s.currentPeriodEnd(), now);
		String action;
		if (!s.planKey().equals(next.planKey()) || s.planVersion() != next.planVersion()) {
			action = "plan_changed";
		}
		else if (s.status() != next.status()) {
			action = "status_changed";
		}
		else {
			action = "synced";
		}
		repository.recordChange(next, action, s.planKey(), s.planVersion(), Actor.current().name(), now);
		announce(s, next, action);
		auditLog.record("subscription." + action, "customer", customerId, s, next);
		return next;
	}

	/**
	 * A new subscription of the provider waits for its first payment: the customer keeps
	 * the plan, period and entitlements it had, its status says it is incomplete.
	 */
	private Subscription awaitingPayment(String customerId, Subscription s, Instant now) {
		if (s.status() == SubscriptionStatus.PAST_DUE || s.status() == SubscriptionStatus.UNPAID) {
			// a new subscription waiting for its first payment does not lift the dunning
			// of
			// the one the customer owes for
			return s;
		}
		var next = new Subscription(s.id(), customerId, s.planKey(), s.planVersion(), SubscriptionStatus.INCOMPLETE,
				s.startedAt(), s.periodAnchor(), s.currentPeriodStart(), s.currentPeriodEnd(), s.trialEnd(),
				s.cancelAtPeriodEnd(), s.canceledAt(), null, null, null);
		if (next.equals(s)) {
			return s;
		}
		save(next, s.currentPeriodEnd(), now);
		repository.recordChange(next, "status_changed", s.planKey(), s.planVersion(), Actor.current().name(), now);
		announce(s, next, "status_changed");
		auditLog.record("subscription.status_changed", "customer", customerId, s, next);
		return next;
	}

	/**
	 * Ends a subscription its payment provider ended: the customer is on the default plan
	 * from now. Nothing changes when it is on the default plan already.
	 */
	@Transactional
	public Subscription endedByProvider(String customerId) {
		var s = lockLive(customerId);
		var defaultPlan = catalog.defaultPlan();
		if (s.planKey().equals(defaultPlan.key()) && s.pending() == null && !s.cancelAtPeriodEnd()
				&& s.status() == SubscriptionStatus.ACTIVE) {
			return s;
		}
		return toDefaultPlan(customerId, s, "canceled", clock.instant());
	}

	private Subscription toDefaultPlan(String customerId, Subscription s, String action, Instant now) {
		var moved = Lifecycle.onDefaultPlan(s, catalog.defaultPlan(), now);
		save(moved, s.currentPeriodEnd(), now);
		repository.recordChange(moved, action, s.planKey(), s.planVersion(), Actor.current().name(), now);
		announce(s, moved, action);
		auditLog.record("subscription." + action, "customer", customerId, s, moved);
		return moved;
	}

	/**
	 * Whether a customer moving to a plan would start its trial: the plan has trial days
	 * and the customer never trialed it.
	 */
	public boolean wouldTrial(String customerId, Plan plan) {
		return plan.definition().trialDays() > 0 && !repository.hasTrialed(customerId, plan.key());
	}

	/** Takes back a plan change scheduled for the period's end. */
	@Transactional
	public Subscription cancelPendingChange(String customerId) {
		var provider = lockProvider(customerId);
		var s = lockLive(customerId);
		var pending = s.pending();
		if (pending == null) {
			throw new PlangateException(ErrorCode.NO_PENDING_CHANGE,
					"Customer '" + customerId + "' has no plan change scheduled")
				.with("status", s.status().id());
		}
		if (provider != null) {
			provider.releaseScheduledChange(providerChange(s, planOf(s)));
		}
		var now = clock.instant();
		var kept = s.withPending(null);
		save(kept, s.currentPeriodEnd(), now);
		repository.recordChange(kept, "scheduled_change_canceled", s.planKey(), s.planVersion(), pending.planKey(),
				pending.planVersion(), Actor.current().name(), now);
		announce(s, kept, "scheduled_change_canceled");
		auditLog.record("subscription.scheduled_change_canceled", "customer", customerId, s, kept);
		return kept;
	}

	/**
	 * Downgrades of a paid period wait for its end; upgrades, changes at the same price
	 * and changes in a trial (nothing was paid for it) happen now.
	 */
	private When effectiveWhen(Subscription s, Plan plan, @Nullable When asked) {
		if (asked != null) {
			return asked;
		}
		boolean paid = s.status() == SubscriptionStatus.ACTIVE || s.status() == SubscriptionStatus.PAST_DUE;
		return paid && Proration.direction(planOf(s).definition(), plan.definition()) < 0 ? When.PERIOD_END : When.NOW;
	}

	/**
	 * What the customer holds above the limits it would have on {@code plan} (its
	 * overrides stay), one entry a feature, by feature key.
	 */
	List<Holdings.Violation> violations(String customerId, Plan plan) {
		var overrides = customers.overrides(customerId)
			.stream()
			.collect(Collectors.toMap(Override::feature, Function.identity()));
		var values = new LinkedHashMap<String, EntitlementView>();
		for (var feature : catalog.features()) {
			values.put(feature.key(), effective(feature, overrides.get(feature.key()), plan));
		}
		var byFeature = new TreeMap<String, Holdings.Violation>();
		for (var source : holdings) {
			for (var violation : source.exceeding(customerId, values)) {
				byFeature.merge(violation.feature(), violation, (a, b) -> a.used() >= b.used() ? a : b);
			}
		}
		return List.copyOf(byFeature.values());
	}

	private static PlangateException blocked(String customerId, Plan plan, List<Holdings.Violation> violations) {
		var names = violations.stream()
			.map(v -> v.feature() + " " + v.used() + " > " + v.targetLimit())
			.collect(Collectors.joining(", "));
		return new PlangateException(ErrorCode.DOWNGRADE_BLOCKED,
				"Customer '" + customerId + "' holds more than plan '" + plan.key() + "' allows (" + names
						+ "): reduce what it holds, or pass force to change anyway")
			.with("plan", plan.key())
			.with("violations", violations);
	}

	private static Object auditedChange(Subscription changed, List<Holdings.Violation> violations) {
		if (violations.isEmpty()) {
			return changed;
		}
		return Map.of("subscription", changed, "forced", true, "violations", violations);
	}

	/**
	 * Cancels: at once (the customer is on the default plan from now) or at the end of
	 * the current period.
	 * @throws PlangateException {@code subscription_not_cancelable} on the default plan
	 */
	@Transactional
	public Subscription cancel(String customerId, boolean immediately) {
		var provider = lockProvider(customerId);
		var s = lockLive(customerId);
		var defaultPlan = catalog.defaultPlan();
		if (s.planKey().equals(defaultPlan.key())) {
			throw new PlangateException(ErrorCode.SUBSCRIPTION_NOT_CANCELABLE, "Customer '" + customerId
					+ "' is on the default plan '" + defaultPlan.key() + "': there is nothing to cancel")
				.with("plan", s.planKey());
		}
		if (provider != null && (immediately || !s.cancelAtPeriodEnd())) {
			provider.cancel(providerChange(s, defaultPlan), immediately);
		}
		var now = clock.instant();
		Subscription changed;
		String action;
		if (immediately) {
			changed = Lifecycle.start(s.id(), customerId, defaultPlan, false, now);
			changed = new Subscription(changed.id(), customerId, changed.planKey(), changed.planVersion(),
					changed.status(), s.startedAt(), changed.periodAnchor(), changed.currentPeriodStart(),
					changed.currentPeriodEnd(), s.trialEnd(), false, null, null, null, null);
			action = "canceled";
		}
		else {
			if (s.cancelAtPeriodEnd()) {
				return s;
			}
			changed = Lifecycle.scheduleCancel(s, now);
			action = "cancel_scheduled";
		}
		save(changed, s.currentPeriodEnd(), now);
		repository.recordChange(changed, action, s.planKey(), s.planVersion(), Actor.current().name(), now);
		announce(s, changed, action);
		auditLog.record("subscription." + action, "customer", customerId, s, changed);
		return changed;
	}

	/** Takes back a cancellation scheduled for the period's end. */
	@Transactional
	public Subscription resume(String customerId) {
		var provider = lockProvider(customerId);
		var s = lockLive(customerId);
		if (!s.cancelAtPeriodEnd()) {
			throw new PlangateException(ErrorCode.NO_PENDING_CANCELLATION,
					"Customer '" + customerId + "' has no cancellation to take back")
				.with("status", s.status().id());
		}
		if (provider != null) {
			provider.resume(providerChange(s, planOf(s)));
		}
		var now = clock.instant();
		var resumed = Lifecycle.scheduleCancel(s, null);
		save(resumed, s.currentPeriodEnd(), now);
		repository.recordChange(resumed, "resumed", s.planKey(), s.planVersion(), Actor.current().name(), now);
		announce(s, resumed, "resumed");
		auditLog.record("subscription.resumed", "customer", customerId, s, resumed);
		return resumed;
	}

	public List<SubscriptionChange> history(String customerId) {
		customers.get(customerId);
		return repository.history(customerId);
	}

	/**
	 * Moves the live subscribers of a plan's older versions to one version (the current
	 * one by default), keeping their periods.
	 * @param fromVersion only subscribers of this version; all other versions when absent
	 * @param customerIds only these customers, when given
	 * @return the customers moved
	 */
	@Transactional
	public List<String> migrate(String planKey, @Nullable Integer fromVersion, @Nullable Integer toVersion,
			@Nullable List<String> customerIds) {
		var target = toVersion == null ? catalog.plan(planKey) : catalog.planVersion(planKey, toVersion);
		if (fromVersion != null) {
			catalog.planVersion(planKey, fromVersion);
		}
		var moved = repository.lockSubscribers(planKey, fromVersion, target.version(), customerIds);
		var now = clock.instant();
		for (var customerId : moved) {
			var s = repository.lock(customerId).orElseThrow();
			var changed = Lifecycle.change(s, intervalOf(s), target, false, now);
			save(changed, s.currentPeriodEnd(), now);
			repository.recordChange(changed, "migrated", s.planKey(), s.planVersion(), Actor.current().name(), now);
			announce(s, changed, "migrated");
		}
		auditLog.record("plan.subscribers_migrated", "plan", planKey,
				Map.of("fromVersion", fromVersion == null ? "any" : fromVersion),
				Map.of("toVersion", target.version(), "customers", moved.size()));
		return moved;
	}

	/**
	 * What {@link #migrate} would do now with the same plan and versions, changing
	 * nothing: the version subscribers would move to and who would move.
	 * @throws PlangateException as {@link #migrate} does for an unknown plan or version
	 */
	@Transactional(readOnly = true)
	public MigrationPreview previewMigration(String planKey, @Nullable Integer fromVersion,
			@Nullable Integer toVersion) {
		var target = toVersion == null ? catalog.plan(planKey) : catalog.planVersion(planKey, toVersion);
		if (fromVersion != null) {
			catalog.planVersion(planKey, fromVersion);
		}
		return new MigrationPreview(target, repository.subscribersToMove(planKey, fromVersion, target.version()));
	}

	/**
	 * @param target the version subscribers would move to
	 * @param customerIds the customers who would move, in id order
	 */
	public record MigrationPreview(Plan target, List<String> customerIds) {
	}

	/**
	 * Every feature's effective value for a customer: override, else plan version, else
	 * feature default.
	 */
	public CustomerEntitlements entitlements(String customerId) {
		var customer = customers.get(customerId);
		var s = current(customerId);
		var plan = catalog.planVersion(s.planKey(), s.planVersion());
		var overrides = customers.overrides(customerId)
			.stream()
			.collect(Collectors.toMap(Override::feature, Function.identity()));
		var features = new LinkedHashMap<String, EntitlementView>();
		for (var feature : catalog.features()) {
			features.put(feature.key(), effective(feature, overrides.get(feature.key()), plan));
		}
		boolean usable = customer.status() == CustomerStatus.ACTIVE && s.status().grantsPlan();
		return new CustomerEntitlements(customer.id(), customer.status().id(), usable, view(s), features);
	}

	/**
	 * What decides the customer's decisions, current as of this call: this node's copy
	 * when the customer's state version has not moved since it was read (one read of the
	 * version), else read again (the customer, its subscription and its overrides) and
	 * kept. A change made on any node moves the version, so the next decision everywhere
	 * sees it.
	 * @throws PlangateException {@code customer_not_found}
	 */
	public CustomerState decisionState(String customerId) {
		return decisionState(customerId, customers.stateVersion(customerId));
	}

	/**
	 * The {@link #decisionState} of each of these customers, their versions read together
	 * (one read for them all rather than one each); unknown customers are absent.
	 */
	public Map<String, CustomerState> decisionStates(Collection<String> customerIds) {
		var versions = customers.stateVersions(customerIds);
		var found = new HashMap<String, CustomerState>(versions.size() * 2);
		versions.forEach((id, version) -> found.put(id, decisionState(id, version)));
		return found;
	}

	/**
	 * What decides the customer's decisions at a state version the caller has just read
	 * (with something else it read in the same statement): this node's copy when it was
	 * read at that version, else read again and kept.
	 * @throws PlangateException {@code customer_not_found}
	 */
	public CustomerState decisionState(String customerId, long version) {
		var state = states.at(customerId, version);
		if (state != null) {
			return state;
		}
		var customer = customers.get(customerId);
		var overrides = customers.overrides(customer)
			.stream()
			.collect(Collectors.toUnmodifiableMap(Override::feature, Function.identity()));
		state = new CustomerState(version, customer, repository.find(customerId).orElse(null), overrides);
		states.keep(state);
		return state;
	}

	/**
	 * The copy of the customer's state this node keeps, at whatever version it was read:
	 * a guess at what to read with the version (the billing period a quota's usage is
	 * counted in), or what a consume is decided on when the ledger checks its version in
	 * the transaction that records it; null when none is kept.
	 */
	public @Nullable CustomerState keptState(String customerId) {
		return states.kept(customerId);
	}

	/**
	 * The subscription of a customer's state as of now: moved on and stored first if due
	 * to (a period ended, a trial over, a change due), as {@link #current(Customer)}
	 * does.
	 */
	public Subscription current(CustomerState state) {
		var s = state.subscription();
		if (s == null) {
			throw new IllegalStateException("Customer '" + state.customer().id() + "' has no subscription");
		}
		return advance(s).changed() ? current(state.customer()) : s;
	}

	/**
	 * The subscription as of now and effective value of one feature of a customer's
	 * state, for an enforcement decision. A subscription due to move on (a period ended,
	 * a trial over, a change due) is moved and stored first, as {@link #current} does.
	 */
	public FeatureEntitlement entitlement(CustomerState state, Feature feature) {
		var s = current(state);
		var plan = catalog.planVersion(s.planKey(), s.planVersion());
		return new FeatureEntitlement(s, plan, effective(feature, state.overrides().get(feature.key()), plan));
	}

	/**
	 * A customer's subscription and effective value of one feature, for an enforcement
	 * decision.
	 */
	public FeatureEntitlement entitlement(String customerId, Feature feature) {
		return entitlement(customers.get(customerId), feature);
	}

	/**
	 * The subscription and effective value of one feature of a customer just read, for an
	 * enforcement decision.
	 */
	public FeatureEntitlement entitlement(Customer customer, Feature feature) {
		var s = current(customer);
		var plan = catalog.planVersion(s.planKey(), s.planVersion());
		var override = customers.override(customer.id(), feature.key()).orElse(null);
		return new FeatureEntitlement(s, plan, effective(feature, override, plan));
	}

	/**
	 * One feature's effective values for a customer over a time range, oldest first: one
	 * for each plan version its subscription held in {@code [from, to)} (after the
	 * subscription's history), each with the customer's override of today. Used to price
	 * what a period used after the customer moved on, for example its overage after a
	 * downgrade.
	 */
	public List<FeatureEntitlement> entitlementsHeld(String customerId, String featureKey, Instant from, Instant to) {
		var customer = customers.get(customerId);
		var feature = catalog.feature(featureKey);
		var s = current(customer);
		var override = customers.override(customerId, feature.key()).orElse(null);
		var changes = repository.history(customerId)
			.stream()
			.filter(change -> change.toPlan() != null && change.toVersion() != null && change.changedAt().isBefore(to))
			.toList();
		int first = 0;
		for (int i = 0; i < changes.size(); i++) {
			if (!changes.get(i).changedAt().isAfter(from)) {
				first = i;
			}
		}
		var held = new ArrayList<FeatureEntitlement>();
		for (var change : changes.subList(Math.min(first, changes.size()), changes.size())) {
			var plan = catalog.planVersion(change.toPlan(), change.toVersion());
			held.add(new FeatureEntitlement(s, plan, effective(feature, override, plan)));
		}
		if (held.isEmpty()) {
			var plan = catalog.planVersion(s.planKey(), s.planVersion());
			held.add(new FeatureEntitlement(s, plan, effective(feature, override, plan)));
		}
		return held;
	}

	/** One feature's effective value with the subscription it comes from. */
	public record FeatureEntitlement(Subscription subscription, Plan plan, EntitlementView value) {
	}

	/**
	 * The rule: an override beats the plan version's entitlement, which beats the
	 * feature's default (for a rate feature scaled by the plan's multiplier); with none
	 * of them the feature is not granted.
	 */
	public static EntitlementView effective(Feature feature, @Nullable Override override, Plan plan) {
		if (override != null) {
			return EntitlementView.of(feature, override.entitlement(), "override");
		}
		var planEntitlement = plan.definition().entitlements().get(feature.key());
		if (planEntitlement != null) {
			return EntitlementView.of(feature, planEntitlement, "plan");
		}
		if (feature.defaultEntitlement() != null) {
			return EntitlementView.of(feature, scaledDefault(feature, feature.defaultEntitlement(), plan), "default");
		}
		return EntitlementView.of(feature, Entitlement.none(), "none");
	}

	/**
	 * A rate feature's default is scaled by the plan's rate multiplier (rounded down).
	 */
	private static Entitlement scaledDefault(Feature feature, Entitlement entitlement, Plan plan) {
		if (feature.kind() != FeatureKind.RATE || entitlement.limit() == null) {
			return entitlement;
		}
		long scaled = plan.definition().rateMultiplier().multiply(BigDecimal.valueOf(entitlement.limit())).longValue();
		return Entitlement.ofLimit(scaled);
	}

	/**
	 * How many customers (not deleted) each plan has in each subscription status, for
	 * platform statistics.
	 */
	public List<PlanStatusCount> countByPlanAndStatus() {
		return repository.countByPlanAndStatus();
	}

	/** How many subscriptions of {@code plan} are in {@code status}. */
	public record PlanStatusCount(String plan, String status, long customers) {
	}

	/** What a customer has, as one cacheable answer. */
	public record CustomerEntitlements(String customerId, String customerStatus, boolean active,
			SubscriptionView subscription, Map<String, EntitlementView> features) {
	}

	int currentVersionOf(String planKey) {
		return catalog.plan(planKey).version();
	}

	Plan planOf(Subscription s) {
		return catalog.planVersion(s.planKey(), s.planVersion());
	}

	/**
	 * Locks what each payment provider keeps of the customer (before its subscription, as
	 * the providers' webhooks do), and answers the provider that bills the customer's
	 * subscription, to which a change through the API is carried first.
	 */
	private @Nullable PaymentProvider lockProvider(String customerId) {
		PaymentProvider owner = null;
		for (var provider : providers) {
			provider.lock(customerId);
			if (provider.owns(customerId).isPresent() && !Actor.current().name().equals(provider.actorName())) {
				owner = provider;
			}
		}
		return owner;
	}

	/**
	 * Carries a plan change to the provider that bills the subscription.
	 * @throws PlangateException {@code plan_not_for_sale} for a free plan: the customer
	 * stops paying by cancelling
	 */
	private void carry(PaymentProvider provider, Subscription s, Plan plan, When effective) {
		var change = providerChange(s, plan);
		boolean samePlan = s.planKey().equals(plan.key()) && s.planVersion() == plan.version();
		if (samePlan) {
			if (s.pending() != null) {
				provider.releaseScheduledChange(change);
			}
			if (s.cancelAtPeriodEnd()) {
				provider.resume(change);
			}
			return;
		}
		if (plan.definition().price() == 0 || plan.definition().stripePrice() == null) {
			throw new PlangateException(ErrorCode.PLAN_NOT_FOR_SALE,
					"Customer '" + s.customerId() + "' pays for its plan through "
							+ provider.owns(s.customerId()).orElse("its payment provider") + ", and plan '" + plan.key()
							+ "' is free: cancel instead (DELETE /v1/customers/{id}/subscription), "
							+ "which moves the customer to the default plan at the end of the paid period",
					List.of(new FieldError("plan", "a free plan is reached by cancelling")))
				.with("plan", plan.key());
		}
		if (effective == When.PERIOD_END) {
			provider.changeAtPeriodEnd(change);
		}
		else {
			provider.changeNow(change, Proration.direction(planOf(s).definition(), plan.definition()) > 0);
		}
	}

	private PaymentProvider.Change providerChange(Subscription s, Plan to) {
		return new PaymentProvider.Change(s.customerId(), planOf(s), to, s.currentPeriodEnd(),
				Long.toString(repository.lastChangeId(s.customerId())));
	}

	/** Locks the subscription of a customer that is not deleted, moved on to now. */
	private Subscription lockLive(String customerId) {
		customers.getUndeleted(customerId);
		var locked = repository.lock(customerId).orElseThrow();
		var advanced = advanceChecked(locked);
		if (advanced.changed()) {
			persist(locked, advanced);
		}
		return advanced.subscription();
	}

	/**
	 * The subscription moved on to now, taking a pending change as asked: enough to know
	 * whether anything changed, without the checks a change at the boundary makes.
	 */
	private Lifecycle.Advanced advance(Subscription s) {
		return Lifecycle.advance(s, clock.instant(), this::intervalOf, catalog::defaultPlan,
				due -> pendingPlanOf(due.pending()), settings.dunning());
	}

	/**
	 * The subscription moved on to now, under its lock: a pending change due is checked
	 * against what the customer holds then.
	 */
	private Lifecycle.Advanced advanceChecked(Subscription s) {
		return Lifecycle.advance(s, clock.instant(), this::intervalOf, catalog::defaultPlan, this::pendingPlan,
				settings.dunning());
	}

	private Plan pendingPlanOf(Subscription.@Nullable PendingChange pending) {
		if (pending == null) {
			throw new IllegalStateException("No pending change");
		}
		return catalog.planVersion(pending.planKey(), pending.planVersion());
	}

	/**
	 * The plan a pending change moves to when it falls due, or null when the customer
	 * holds more than it allows and the settings keep such a customer on its plan.
	 */
	private @Nullable Plan pendingPlan(Subscription due) {
		var pending = due.pending();
		var plan = pendingPlanOf(pending);
		if (pending.forced()) {
			return plan;
		}
		var violations = violations(due.customerId(), plan);
		if (violations.isEmpty()) {
			return plan;
		}
		boolean keep = settings.keepOverLimits();
		auditLog.record(keep ? "subscription.scheduled_change_dropped" : "subscription.scheduled_change_over_limits",
				"customer", due.customerId(), due,
				Map.of("plan", plan.key(), "version", plan.version(), "applied", !keep, "violations", violations));
		return keep ? null : plan;
	}

	private void persist(Subscription read, Lifecycle.Advanced advanced) {
		var now = clock.instant();
		save(advanced.subscription(), read.currentPeriodEnd(), now);
		var before = read;
		for (var t : advanced.transitions()) {
			repository.recordChange(t.after(), t.action(), t.fromPlan(), t.fromVersion(), Actor.SYSTEM.name(), now);
			announce(before, t.after(), t.action());
			before = t.after();
		}
	}

	/**
	 * Tells the outside world of a recorded change, in its transaction, as the event
	 * catalog's {@code subscription.*} event it is.
	 */
	private void announce(@Nullable Subscription before, Subscription after, String action) {
		SubscriptionAnnouncement.Previous previous = null;
		if (before != null) {
			var pending = before.pending();
			previous = new SubscriptionAnnouncement.Previous(SubscriptionView.PlanRef.of(planOf(before)),
					before.status().id(), before.cancelAtPeriodEnd(), pending == null ? null : SubscriptionView.PlanRef
						.of(catalog.planVersion(pending.planKey(), pending.planVersion())));
		}
		events.publishEvent(new OutboundEvent(SubscriptionAnnouncement.type(before, after, action), after.customerId(),
				new SubscriptionAnnouncement(view(after), action, previous)));
	}

	private BillingInterval intervalOf(Subscription s) {
		return planOf(s).definition().interval();
	}

}

package dev.plangate.customer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.plangate.audit.AuditLog;
import dev.plangate.catalog.CatalogException;
import dev.plangate.catalog.CatalogReader;
import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.Entitlement;
import dev.plangate.platform.Actor;
import dev.plangate.platform.EntitlementChanges;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.OutboundEvent;
import dev.plangate.platform.Page;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.StoredJson;
import tools.jackson.databind.JsonNode;

/**
 * Customers and their overrides. Every change is audited in the transaction that makes
 * it.
 */
@Service
public class CustomerService {

	static final int MAX_METADATA_BYTES = 16 * 1024;

	private final CustomerRepository repository;

	private final CatalogService catalog;

	private final AuditLog auditLog;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	private final CatalogReader reader = new CatalogReader();

	private final EntitlementChanges entitlementChanges;

	CustomerService(CustomerRepository repository, CatalogService catalog, AuditLog auditLog,
			ApplicationEventPublisher events, Clock clock, EntitlementChanges entitlementChanges) {
		this.repository = repository;
		this.entitlementChanges = entitlementChanges;
		this.catalog = catalog;
		this.auditLog = auditLog;
		this.events = events;
		this.clock = clock;
	}

	/** The fields a create-or-update may set; {@code null} leaves a field as it is. */
	public record Changes(@Nullable String kind, @Nullable String name, @Nullable String email, @Nullable String region,
			@Nullable Map<String, Object> metadata) {
	}

	/** The customer after a create-or-update, and whether it was created. */
	public record Upserted(Customer customer, boolean created) {
	}

	@Transactional
	public Upserted upsert(String id, Changes changes) {
		if (changes.metadata() != null
				&& StoredJson.write(changes.metadata()).getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST, "metadata is larger than 16 KiB",
					List.of(new FieldError("metadata", "must be at most 16 KiB as JSON")));
		}
		var now = clock.instant();
		var fresh = new Customer(id, changes.kind() == null ? "user" : changes.kind(), changes.name(), changes.email(),
				CustomerStatus.ACTIVE, changes.region(), changes.metadata() == null ? Map.of() : changes.metadata(),
				now, now, null);
		if (repository.insert(fresh)) {
			announce("customer.created", fresh);
			events.publishEvent(new CustomerEvents.Created(id));
			auditLog.record("customer.created", "customer", id, null, fresh);
			return new Upserted(fresh, true);
		}
		var existing = lockOrThrow(id);
		if (existing.status() == CustomerStatus.DELETED) {
			throw deleted(id);
		}
		if (changes.kind() != null && !changes.kind().equals(existing.kind())) {
			throw new PlangateException(ErrorCode.CUSTOMER_KIND_IMMUTABLE,
					"Customer '" + id + "' is a " + existing.kind() + " and cannot become a " + changes.kind(),
					List.of(new FieldError("kind", "must stay '" + existing.kind() + "'")))
				.with("kind", existing.kind());
		}
		var updated = new Customer(id, existing.kind(), pick(changes.name(), existing.name()),
				pick(changes.email(), existing.email()), existing.status(), pick(changes.region(), existing.region()),
				changes.metadata() == null ? existing.metadata() : changes.metadata(), existing.createdAt(), now, null);
		if (sameContent(existing, updated)) {
			return new Upserted(existing, false);
		}
		repository.update(updated);
		auditLog.record("customer.updated", "customer", id, existing, updated);
		announce("customer.updated", updated);
		return new Upserted(updated, false);
	}

	public Customer get(String id) {
		return find(id).orElseThrow(() -> PlangateException.notFound(ErrorCode.CUSTOMER_NOT_FOUND, "Customer", id));
	}

	/**
	 * A customer that is not deleted.
	 * @throws PlangateException {@code customer_not_found} or {@code customer_deleted}
	 */
	public Customer getUndeleted(String id) {
		var customer = get(id);
		if (customer.status() == CustomerStatus.DELETED) {
			throw deleted(id);
		}
		return customer;
	}

	public Optional<Customer> find(String id) {
		return repository.find(id);
	}

	/**
	 * How many customers were created in {@code [from, to)}, deleted ones included, per
	 * UTC day; days without any are absent.
	 */
	public Map<java.time.LocalDate, Long> createdPerDay(java.time.Instant from, java.time.Instant to) {
		var perDay = new java.util.TreeMap<java.time.LocalDate, Long>();
		repository.createdPerDay(from, to)
			.forEach((day, count) -> perDay.put(java.time.LocalDate.ofEpochDay(day), count));
		return perDay;
	}

	/**
	 * A page of customers in id order.
	 * @param status absent lists every customer that is not deleted
	 * @param cursor a previous page's {@code nextCursor}
	 */
	public Page<Customer> list(@Nullable String search, @Nullable CustomerStatus status, @Nullable String plan,
			@Nullable String cursor, int limit) {
		var rows = repository.list(search, status, plan, decodeCursor(cursor), limit + 1);
		var page = rows.subList(0, Math.min(limit, rows.size()));
		String next = rows.size() > limit ? encodeCursor(page.get(page.size() - 1).id()) : null;
		return new Page<>(List.copyOf(page), next);
	}

	@Transactional
	public Customer setStatus(String id, CustomerStatus status) {
		var existing = lockOrThrow(id);
		if (existing.status() == CustomerStatus.DELETED) {
			throw deleted(id);
		}
		if (existing.status() == status) {
			return existing;
		}
		var changed = withStatus(existing, status);
		repository.update(changed);
		auditLog.record(status == CustomerStatus.SUSPENDED ? "customer.suspended" : "customer.activated", "customer",
				id, existing.status().id(), status.id());
		events.publishEvent(new CustomerEvents.StatusChanged(id, status == CustomerStatus.ACTIVE));
		entitlementChanges.changed(id,
				status == CustomerStatus.SUSPENDED ? "customer.suspended" : "customer.reactivated");
		announce(status == CustomerStatus.SUSPENDED ? "customer.suspended" : "customer.reactivated", changed);
		return changed;
	}

	/**
	 * Soft delete: the id stays taken, the data is kept, the subscription ends. Repeating
	 * it changes nothing.
	 */
	@Transactional
	public Customer delete(String id) {
		return delete(id, null);
	}

	/**
	 * Soft delete, as {@link #delete(String)}, with the operator's reason kept in the
	 * audit record.
	 */
	@Transactional
	public Customer delete(String id, @Nullable String reason) {
		var existing = lockOrThrow(id);
		if (existing.status() == CustomerStatus.DELETED) {
			return existing;
		}
		var deleted = withStatus(existing, CustomerStatus.DELETED);
		repository.update(deleted);
		announce("customer.deleted", deleted);
		events.publishEvent(new CustomerEvents.Deleted(id));
		entitlementChanges.changed(id, "customer.deleted");
		auditLog.record("customer.deleted", "customer", id, existing.status().id(), reason == null
				? CustomerStatus.DELETED.id() : Map.of("status", CustomerStatus.DELETED.id(), "reason", reason));
		return deleted;
	}

	/**
	 * Tells the outside world, in the change's transaction, with the customer as shown.
	 */
	private void announce(String type, Customer customer) {
		events.publishEvent(new OutboundEvent(type, customer.id(), CustomerController.CustomerView.of(customer)));
	}

	private Customer withStatus(Customer c, CustomerStatus status) {
		var now = clock.instant();
		return new Customer(c.id(), c.kind(), c.name(), c.email(), status, c.region(), c.metadata(), c.createdAt(), now,
				status == CustomerStatus.DELETED ? now : null);
	}

	// overrides

	public List<Override> overrides(String customerId) {
		get(customerId);
		return repository.overrides(customerId);
	}

	/** The overrides of a customer just read. */
	public List<Override> overrides(Customer customer) {
		return repository.overrides(customer.id());
	}

	public Optional<Override> override(String customerId, String featureKey) {
		return repository.override(customerId, featureKey);
	}

	/**
	 * The customer's state version: a number that grows with every change to the
	 * customer, its overrides and its subscription, so that a copy of them read at a
	 * version is current while the version stays.
	 * @throws PlangateException {@code customer_not_found}
	 */
	public long stateVersion(String customerId) {
		return repository.stateVersion(customerId)
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.CUSTOMER_NOT_FOUND, "Customer", customerId));
	}

	/**
	 * The state versions of these customers ({@link #stateVersion}), read together;
	 * unknown customers are absent.
	 */
	public Map<String, Long> stateVersions(Collection<String> customerIds) {
		return customerIds.isEmpty() ? Map.of() : repository.stateVersions(customerIds);
	}

	/**
	 * Marks a change to what decides the customer's decisions, made outside this module
	 * (its subscription): call it after writing the change, in the same transaction.
	 */
	public void stateChanged(String customerId) {
		repository.stateChanged(customerId);
	}

	/**
	 * Sets the override of one feature; {@code value} is an entitlement in the catalog
	 * file's form.
	 */
	@Transactional
	public Override setOverride(String customerId, String featureKey, JsonNode value, @Nullable String reason) {
		var customer = lockOrThrow(customerId);
		if (customer.status() == CustomerStatus.DELETED) {
			throw deleted(customerId);
		}
		var feature = catalog.feature(featureKey);
		Entitlement entitlement;
		try {
			entitlement = reader.readEntitlement(value, feature);
		}
		catch (CatalogException ex) {
			var errors = ex.problems()
				.stream()
				.map(p -> new FieldError("value", p.replaceFirst("^value: ", "")))
				.toList();
			throw new PlangateException(ErrorCode.INVALID_OVERRIDE, "The value does not fit " + feature.kind().id()
					+ " feature '" + featureKey + "': " + errors.get(0).message(), errors)
				.with("feature", featureKey);
		}
		var before = repository.override(customerId, featureKey).orElse(null);
		var override = new Override(customerId, featureKey, entitlement, reason, Actor.current().name(),
				clock.instant());
		repository.putOverride(override);
		auditLog.record("override.set", "customer", customerId, before, override);
		entitlementChanges.changed(customerId, "override.set");
		return override;
	}

	@Transactional
	public void removeOverride(String customerId, String featureKey) {
		if (lockOrThrow(customerId).status() == CustomerStatus.DELETED) {
			throw deleted(customerId);
		}
		var before = repository.override(customerId, featureKey)
			.orElseThrow(() -> new PlangateException(ErrorCode.OVERRIDE_NOT_FOUND,
					"Customer '" + customerId + "' has no override for '" + featureKey + "'")
				.with("feature", featureKey));
		repository.deleteOverride(customerId, featureKey);
		auditLog.record("override.removed", "customer", customerId, before, null);
		entitlementChanges.changed(customerId, "override.removed");
	}

	private Customer lockOrThrow(String id) {
		return repository.lock(id)
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.CUSTOMER_NOT_FOUND, "Customer", id));
	}

	private static PlangateException deleted(String id) {
		return new PlangateException(ErrorCode.CUSTOMER_DELETED, "Customer '" + id + "' is deleted").with("id", id);
	}

	private static @Nullable String pick(@Nullable String given, @Nullable String existing) {
		return given != null ? given : existing;
	}

	private static boolean sameContent(Customer a, Customer b) {
		return Objects.equals(a.name(), b.name()) && Objects.equals(a.email(), b.email())
				&& Objects.equals(a.region(), b.region()) && a.metadata().equals(b.metadata());
	}

	private static @Nullable String decodeCursor(@Nullable String cursor) {
		if (cursor == null) {
			return null;
		}
		try {
			return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST, "cursor is not one this API gave out",
					List.of(new FieldError("cursor", "is not a cursor from a previous page")));
		}
	}

	private static String encodeCursor(String id) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
	}

}

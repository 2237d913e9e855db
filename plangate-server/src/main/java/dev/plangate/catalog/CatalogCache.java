package dev.plangate.catalog;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.platform.EntitlementChanges;

/**
 * The catalog kept in memory for the decisions' hot paths: every feature and every plan
 * version, as of one catalog revision. The stored revision is counted up by every change
 * to features or plans. A change made on this node is seen at once, since the snapshot is
 * dropped when the change's transaction ends; a change made on another node is seen once
 * the stored revision is next compared, at most {@code plangate.catalog-refresh} (one
 * second by default) later, or at once where a lookup misses.
 */
@Component
class CatalogCache {

	private final CatalogRepository repository;

	private final TransactionTemplate transactions;

	private final long refreshNanos;

	/**
	 * Counted up each time the snapshot is dropped, so a load begun before is not kept.
	 */
	private final AtomicLong generation = new AtomicLong();

	private volatile @Nullable Snapshot snapshot;

	private final EntitlementChanges entitlementChanges;

	CatalogCache(CatalogRepository repository, TransactionTemplate transactions, CatalogSettings settings,
			EntitlementChanges entitlementChanges) {
		this.repository = repository;
		this.entitlementChanges = entitlementChanges;
		this.transactions = transactions;
		this.refreshNanos = settings.catalogRefresh().toNanos();
	}

	/**
	 * The catalog as of a revision.
	 *
	 * @param features by key, in key order
	 * @param currentPlans the current version of every plan, cheapest first, then by key
	 * @param versions every version of every plan, by plan key and version
	 */
	record Snapshot(long revision, long generation, long checkedAt, Map<String, Feature> features,
			List<Plan> currentPlans, Map<String, Map<Integer, Plan>> versions) {

		Optional<Plan> version(String key, int version) {
			return Optional.ofNullable(versions.getOrDefault(key, Map.of()).get(version));
		}

		Snapshot checkedAt(long nanos) {
			return new Snapshot(revision, generation, nanos, features, currentPlans, versions);
		}

	}

	/**
	 * The snapshot, compared with the stored revision when it was last compared long ago.
	 */
	Snapshot get() {
		var current = snapshot;
		long now = System.nanoTime();
		if (current == null || current.generation() != generation.get()) {
			return load();
		}
		if (now - current.checkedAt() < refreshNanos) {
			return current;
		}
		return compare(current, now);
	}

	/** The snapshot compared with the stored revision now: for a lookup that missed. */
	Snapshot fresh() {
		var current = snapshot;
		if (current == null || current.generation() != generation.get()) {
			return load();
		}
		return compare(current, System.nanoTime());
	}

	private Snapshot compare(Snapshot current, long now) {
		if (repository.revision() != current.revision()) {
			return load();
		}
		var checked = current.checkedAt(now);
		snapshot = checked;
		return checked;
	}

	private Snapshot load() {
		long loading = generation.get();
		var loaded = Objects.requireNonNull(transactions.execute(status -> {
			long revision = repository.revision();
			var features = new LinkedHashMap<String, Feature>();
			repository.features().forEach(f -> features.put(f.key(), f));
			var versions = new TreeMap<String, Map<Integer, Plan>>();
			for (var plan : repository.allPlanVersions()) {
				versions.computeIfAbsent(plan.key(), key -> new TreeMap<>()).put(plan.version(), plan);
			}
			var current = versions.values()
				.stream()
				.flatMap(v -> v.values().stream())
				.filter(Plan::current)
				.sorted(Comparator.comparingLong((Plan p) -> p.definition().price()).thenComparing(Plan::key))
				.toList();
			return new Snapshot(revision, loading, System.nanoTime(), Collections.unmodifiableMap(features), current,
					Collections.unmodifiableMap(versions));
		}));
		if (generation.get() == loading) {
			snapshot = loaded;
		}
		return loaded;
	}

	/**
	 * Records a change to features or plans: counts up the stored revision, and drops the
	 * snapshot when the current transaction ends, committed or not.
	 */
	void changed() {
		repository.countRevision();
		entitlementChanges.changed(null, EntitlementChanges.CATALOG);
		drop();
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCompletion(int status) {
					drop();
				}
			});
		}
	}

	private void drop() {
		generation.incrementAndGet();
		snapshot = null;
	}

}

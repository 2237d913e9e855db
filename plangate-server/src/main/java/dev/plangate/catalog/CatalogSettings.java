package dev.plangate.catalog;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * Where the catalog comes from and how often a node looks for changes made on another
 * ({@code plangate.catalog*}).
 *
 * @param catalog the catalog file: a path, or {@code classpath:…}
 * @param catalogRefresh how often a node compares the catalog it keeps in memory with the
 * stored one: a plan changed on another node shows in plan lists within this time (at
 * once on the node that changed it, and at once wherever a decision needs a plan version
 * or feature the node does not know yet); {@code 0s} compares at every lookup
 */
@ConfigurationProperties("plangate")
record CatalogSettings(@DefaultValue("classpath:catalogs/default.yaml") String catalog,
		@DefaultValue("1s") Duration catalogRefresh) {

	CatalogSettings {
		catalog = Settings.notBlank("plangate.catalog", catalog);
		Settings.notNegative("plangate.catalog-refresh", catalogRefresh);
	}

}

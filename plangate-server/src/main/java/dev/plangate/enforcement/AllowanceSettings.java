package dev.plangate.enforcement;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * Allowance blocks ({@code plangate.allowances.*}).
 *
 * @param retention how long an allowance block's record is kept after it expired (1 to
 * 400 days): until then a late return of it is answered as the block's own (a duplicate,
 * or too late), after it as an unknown block; what the block counted stays in the ledger
 */
@ConfigurationProperties("plangate.allowances")
record AllowanceSettings(@DefaultValue("7d") Duration retention) {

	AllowanceSettings {
		Settings.between("plangate.allowances.retention", retention, Duration.ofDays(1), Duration.ofDays(400));
	}

}

package dev.plangate.console;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * The console's sessions ({@code plangate.console.*}).
 *
 * @param idleTimeout a console session ends after this long without a request
 * @param absoluteTimeout a console session ends this long after its sign-in, however busy
 */
@ConfigurationProperties("plangate.console")
record ConsoleSettings(@DefaultValue("30m") Duration idleTimeout, @DefaultValue("12h") Duration absoluteTimeout) {

	ConsoleSettings {
		Settings.between("plangate.console.idle-timeout", idleTimeout, Duration.ofMinutes(1), Duration.ofDays(1));
		Settings.between("plangate.console.absolute-timeout", absoluteTimeout, idleTimeout, Duration.ofDays(30));
	}

}

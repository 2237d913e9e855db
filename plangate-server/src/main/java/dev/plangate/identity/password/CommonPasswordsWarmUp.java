package dev.plangate.identity.password;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Reads the common-password list once the server is up, off the request threads, so that
 * the first sign-up does not wait for it (a few hundred milliseconds); a password checked
 * meanwhile waits for the reading under way.
 */
@Component
class CommonPasswordsWarmUp {

	@EventListener(ApplicationReadyEvent.class)
	void load() {
		var thread = new Thread(CommonPasswords::size, "plangate-common-passwords");
		thread.setDaemon(true);
		thread.start();
	}

}

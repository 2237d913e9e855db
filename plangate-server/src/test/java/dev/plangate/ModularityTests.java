package dev.plangate;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

class ModularityTests {

	@Test
	void modulesOnlyUseEachOthersPublicTypesAndFormNoCycles() {
		ApplicationModules.of(PlangateApplication.class).verify();
	}

}

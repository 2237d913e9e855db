package dev.plangate.bench;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JfrSummaryTest {

	@Test
	void aSampleCountsForTheLibraryOfItsInnermostFrameOutsideTheJdkAndTheServletApi() {
		assertThat(JfrSummary.library(List.of("java.util.HashMap", "java.util.concurrent.ConcurrentHashMap",
				"org.springframework.security.web.FilterChainProxy", "org.apache.catalina.core.StandardHostValve")))
			.isEqualTo("Spring Security");
		assertThat(JfrSummary.library(List.of("jakarta.servlet.http.HttpServletRequestWrapper",
				"org.springframework.web.filter.OncePerRequestFilter", "dev.plangate.platform.RequestSizeFilter")))
			.isEqualTo("Spring MVC");
		assertThat(JfrSummary.library(List.of("sun.nio.ch.SocketDispatcher", "org.postgresql.core.PGStream",
				"dev.plangate.metering.LedgerRepository")))
			.isEqualTo("PgJDBC and HikariCP (database client)");
		assertThat(JfrSummary.library(List.of("dev.plangate.enforcement.EnforcementService",
				"org.springframework.web.method.support.InvocableHandlerMethod")))
			.isEqualTo("Plangate");
		assertThat(JfrSummary.library(List.of("org.h2.mvstore.MVStore", "dev.plangate.metering.LedgerWriter")))
			.isEqualTo("H2 (the embedded database)");
	}

	@Test
	void aSampleOfALibraryNotNamedCountsByItsPackageAndOneOfTheJdkAloneSaysSo() {
		assertThat(JfrSummary.library(List.of("java.lang.String", "com.example.Thing", "dev.plangate.Caller")))
			.isEqualTo("other: com.example");
		assertThat(JfrSummary.library(List.of("java.util.concurrent.ForkJoinPool", "java.lang.Thread")))
			.isEqualTo(JfrSummary.JDK_ONLY);
		assertThat(JfrSummary.library(List.of())).isEqualTo(JfrSummary.JDK_ONLY);
	}

	@Test
	void aPoolsThreadsCountAsOneKind() {
		assertThat(JfrSummary.threadKind("tomcat-handler-12")).isEqualTo("tomcat-handler-#");
		assertThat(JfrSummary.threadKind("HikariPool-1 housekeeper")).isEqualTo("HikariPool-# housekeeper");
		assertThat(JfrSummary.threadKind("")).isEqualTo("(unnamed)");
		assertThat(JfrSummary.threadKind(null)).isEqualTo("(unnamed)");
	}

}

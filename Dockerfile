# The analyzer image: 'docker build -t faultline .' then 'docker run faultline run' (or any
# other faultline command). Configuration through KAFKA_* and ANALYZER_* environment
# variables or a properties file given with --config; see the README.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q install -DskipTests -pl cli -am

FROM eclipse-temurin:17-jre
RUN useradd --system --home-dir /var/lib/faultline --create-home faultline
COPY --from=build /src/cli/target/faultline.jar /opt/faultline/faultline.jar
COPY --from=build /src/cli/target/lib /opt/faultline/lib
USER faultline
WORKDIR /var/lib/faultline
# State stores live here; a restarted instance restores less from the changelogs when it is kept.
VOLUME /var/lib/faultline
ENV KAFKA_STATE_DIR=/var/lib/faultline/state
EXPOSE 8080
# A fixed heap touched at start: the open windows grow it to its size anyway, and pages first touched under load cost
# the stream threads page faults (see README, Guarantees and memory).
ENTRYPOINT ["java", "-XX:InitialRAMPercentage=50", "-XX:MaxRAMPercentage=50", "-XX:+AlwaysPreTouch", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/faultline/faultline.jar"]
CMD ["run"]

package org.cocrea.opensearch;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node for local development and tests.
 *
 * <p>A normal OpenSearch distribution loads its modules (netty4, analysis-common,
 * ...) from a modules/ directory, each in its own class loader. Here the modules
 * are plain jars on the class path and are handed to the node as "classpath
 * plugins", through the protected {@link Node} constructor that exists for this
 * purpose (the test framework's MockNode uses it the same way).
 *
 * <p>Usage: {@code java -cp 'target/classes:target/lib/*' org.cocrea.opensearch.LocalNode -Epath.home=DIR [-Ekey=value ...]}
 *
 * <p>The node runs until the JVM gets SIGTERM/SIGINT, then closes cleanly.
 */
public final class LocalNode {

    /** The modules registered with the node. */
    static final List<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,          // HTTP and transport
        CommonAnalysisPlugin.class,  // asciifolding, stemmer, stop, ...
        MapperExtrasPlugin.class,    // search_as_you_type, scaled_float, ...
        ReindexPlugin.class,         // _reindex, _update_by_query, _delete_by_query
        PainlessPlugin.class         // painless scripts
    );

    /** Node subclass only to reach the protected constructor that takes classpath plugins. */
    static final class ClasspathPluginNode extends Node {
        ClasspathPluginNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    /** Defaults for a single local node; each one can be overridden with -Ekey=value. */
    static Settings defaults() {
        return Settings.builder()
            .put("cluster.name", "cocrea")
            .put("node.name", "cocrea-local")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", "9200")
            .put("transport.port", "9300-9400")
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();
    }

    static Settings parseArgs(String[] args) {
        Settings.Builder builder = Settings.builder();
        for (String arg : args) {
            if (!arg.startsWith("-E") || arg.indexOf('=') < 3) {
                throw new IllegalArgumentException("expected -Ekey=value, got: " + arg);
            }
            int eq = arg.indexOf('=');
            builder.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return builder.build();
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.builder().put(defaults()).put(parseArgs(args)).build();
        if (settings.get("path.home") == null) {
            System.err.println("missing -Epath.home=DIR");
            System.exit(2);
        }
        Logger logger = LogManager.getLogger(LocalNode.class);

        Node node;
        try {
            Environment environment = InternalSettingsPreparer.prepareEnvironment(
                settings, Map.of(), null, () -> settings.get("node.name"));
            node = new ClasspathPluginNode(environment, PLUGINS);
        } catch (Throwable t) {
            logger.error("node failed to initialize", t);
            System.err.println("node failed to initialize: " + t);
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            logger.info("shutdown requested, closing node");
            try {
                node.close();
                if (!node.awaitClose(20, TimeUnit.SECONDS)) {
                    logger.warn("node did not close within 20s");
                }
            } catch (Exception e) {
                logger.error("error while closing node", e);
            } finally {
                logger.info("node closed");
                stopped.countDown();
                LogManager.shutdown();
            }
        }, "cocrea-shutdown"));

        try {
            node.start();
        } catch (Throwable t) {
            logger.error("node failed to start", t);
            System.err.println("node failed to start: " + t);
            System.exit(1);
        }
        logger.info("node started: {} plugins, home {}", PLUGINS.size(), Path.of(settings.get("path.home")).toAbsolutePath());
        // OpenSearch threads are daemon threads: keep the JVM alive until shutdown.
        stopped.await();
    }

    private LocalNode() {}
}

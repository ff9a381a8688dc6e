package dev.tern.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters the broker keeps on every thread without locks; read by logs, $SYS and metrics. */
public final class BrokerStats {
    private final EnumMap<DropReason, LongAdder> drops = new EnumMap<>(DropReason.class);
    final LongAdder messagesReceived = new LongAdder();
    final LongAdder messagesSent = new LongAdder();
    final LongAdder connects = new LongAdder();

    BrokerStats() {
        for (DropReason r : DropReason.values()) {
            drops.put(r, new LongAdder());
        }
    }

    void dropped(DropReason reason) {
        drops.get(reason).increment();
    }

    public long drops(DropReason reason) {
        return drops.get(reason).sum();
    }

    public Map<DropReason, Long> drops() {
        EnumMap<DropReason, Long> out = new EnumMap<>(DropReason.class);
        drops.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public long messagesReceived() {
        return messagesReceived.sum();
    }

    public long messagesSent() {
        return messagesSent.sum();
    }

    public long connects() {
        return connects.sum();
    }
}

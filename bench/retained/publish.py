import sys, time
import paho.mqtt.client as mqtt
port = int(sys.argv[1]); n = int(sys.argv[2])
c = mqtt.Client(client_id="ret-pub", clean_session=True)
c.max_queued_messages_set(0)
c.connect("127.0.0.1", port, 60)
c.loop_start()
t0 = time.time()
payload = b"x" * 64
for i in range(n):
    info = c.publish("r/%d/%d" % (i // 1000, i), payload, qos=0, retain=True)
    if i % 50000 == 0:
        time.sleep(0.05)
# a QoS 1 publish after all: its PUBACK means the broker handled everything before it
info = c.publish("r/done", b"done", qos=1, retain=False)
info.wait_for_publish()
print("published %d retained in %.1f s" % (n, time.time() - t0))
c.loop_stop(); c.disconnect()

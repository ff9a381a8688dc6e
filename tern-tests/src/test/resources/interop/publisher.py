import paho.mqtt.client as mqtt

client = mqtt.Client()
client.connect("mqtt.example.com", 1883)
client.publish("home/temperature", "25°C")
client.disconnect()

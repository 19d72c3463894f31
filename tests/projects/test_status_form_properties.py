"""Generated input posted to the project status form: never a server error, and an invalid submission never writes."""

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.models import CommissionedProject, OutputDelivery

text = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1900, max_size=2100),
    st.sampled_from(["", " ", "=SUM(A1)", "\x00", "<script>", "0", "-1", "1,200", "99999999999999999999"]),
)
field_values = {
    "version": st.one_of(st.just("CURRENT"), st.integers(-3, 5).map(str), text),
    "rag": st.one_of(st.sampled_from(["not_started", "green", "amber", "red", "complete"]), text),
    "commentary": text,
    "as_of_0": st.one_of(st.integers(-5, 40).map(str), text),
    "as_of_1": st.one_of(st.integers(-1, 14).map(str), text),
    "as_of_2": st.one_of(st.integers(1990, 2100).map(str), text),
    "delivered": st.one_of(st.integers(-5, 2_000_000).map(str), text),
}
submissions = st.fixed_dictionaries({}, optional=field_values)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=submissions)
def test_generated_submissions_never_fail_and_never_half_write(world, lead, signed_in, data):
    client = signed_in(lead)
    before = CommissionedProject.objects.get(pk=world.project.pk)
    target = before.output_targets.get()
    updates_before, deliveries_before = before.status_updates.count(), OutputDelivery.objects.count()
    if data.get("version") == "CURRENT":
        data["version"] = str(before.version)
    if "delivered" in data:
        data[f"delivered_{target.pk}"] = data.pop("delivered")
    response = client.post(reverse("projects:update_status", args=[world.project.pk]), data)
    assert response.status_code in {200, 302, 409}, response.status_code
    after = CommissionedProject.objects.get(pk=world.project.pk)
    target.refresh_from_db()
    if response.status_code == 302:
        assert after.status_updates.count() == updates_before + 1
        assert OutputDelivery.objects.count() == deliveries_before + 1
        assert after.version == before.version + 1
        assert after.rag == data["rag"]
        assert target.delivered == int(data[f"delivered_{target.pk}"].replace(",", "").strip())
    else:
        assert after.status_updates.count() == updates_before
        assert OutputDelivery.objects.count() == deliveries_before
        assert (after.version, after.rag) == (before.version, before.rag)

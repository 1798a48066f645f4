"""The analysts' inbox: roles and second factor, unlocking, decrypted report, actions with audit rows."""

from __future__ import annotations

import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tnrwatch.accounts.access import ADMINS, EDITORS
from tnrwatch.audit.models import AuditEntry
from tnrwatch.intake import crypto, inbox_urls, services, unlock
from tnrwatch.intake.models import Message, Note, Report
from tnrwatch.registry.models import Incident

from .conftest import PASSPHRASE, multipart_form, reporter_identity

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(client, make_staff):
    """A logged-in analyst (TOTP verified) with a key; returns the client."""
    from django_otp import DEVICE_ID_SESSION_KEY

    user = make_staff("analyst", "ana")
    services.recipient_key_create(actor=user, passphrase=PASSPHRASE)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    client.user = user
    return client


def send_report(**overrides):
    reporter = Client()
    response = reporter.post(reverse("intake:form"), multipart_form(**overrides))
    receipt = re.search(r'id="receipt">([0-9A-Z-]+)<', response.content.decode()).group(1)
    return Report.objects.latest("id"), receipt


def unlocked(client):
    response = client.post(reverse("inbox:unlock"), {"passphrase": PASSPHRASE})
    assert response.status_code == 302
    return client


def test_every_inbox_view_is_for_admins_and_analysts_only():
    for pattern in inbox_urls.urlpatterns:
        roles = set(pattern.callback.staff_roles)
        assert roles in (set(EDITORS), set(ADMINS)), pattern.name


@pytest.mark.parametrize("role", ["reviewer", "read_only"])
def test_other_roles_are_refused(staff_client, role):
    client = staff_client(role)
    assert client.get(reverse("inbox:list")).status_code == 403


def test_anonymous_and_unverified_users_are_sent_to_log_in(client, make_staff):
    assert client.get(reverse("inbox:list")).status_code == 302
    user = make_staff("analyst", "no-otp")
    client.force_login(user)  # password only, no second factor
    response = client.get(reverse("inbox:list"))
    assert response.status_code == 302 and "otp" in response["Location"]


def test_report_is_readable_only_after_unlocking(inbox):
    report, _ = send_report(what_happened="They asked me to inform on the student union.")
    locked = inbox.get(reverse("inbox:report", args=[report.pk]))
    assert locked.status_code == 200 and "inform on the student union" not in locked.content.decode()
    # a wrong passphrase does not unlock, and leaves an audit row
    inbox.post(reverse("inbox:unlock"), {"passphrase": "not my passphrase"})
    assert "inform on the student union" not in inbox.get(reverse("inbox:report", args=[report.pk])).content.decode()
    assert AuditEntry.objects.filter(action="intake.unlock_failed").exists()
    assert not AuditEntry.objects.filter(action="intake.unlocked").exists()
    unlocked(inbox)
    assert AuditEntry.objects.filter(action="intake.unlocked").exists()
    page = inbox.get(reverse("inbox:report", args=[report.pk]))
    assert "inform on the student union" in page.content.decode()
    assert AuditEntry.objects.filter(action="intake.report_opened", subject_id=str(report.pk)).exists()
    # the session row holds only ciphertext: the identity is not in it
    from django.contrib.sessions.models import Session

    raw = Session.objects.get(session_key=inbox.session.session_key).session_data
    assert "AGE-SECRET-KEY" not in inbox.session.get(unlock.SESSION_KEY, "") and "AGE-SECRET-KEY" not in raw
    # and without the cookie half, the session half opens nothing
    del inbox.cookies[unlock.COOKIE_NAME]
    assert "inform on the student union" not in inbox.get(reverse("inbox:report", args=[report.pk])).content.decode()


def test_actions_change_the_case_and_each_writes_an_audit_row(inbox, make_staff):
    from tnrwatch.registry import services as registry

    colleague = make_staff("analyst", "colleague")
    station = registry.station_create(
        actor=None, name_en="Example station", country=registry.country_get("NL"), marking="clear",
    )
    report, receipt = send_report()
    unlocked(inbox)
    act = lambda action, data: inbox.post(reverse("inbox:act", args=[report.pk, action]), data)  # noqa: E731
    assert act("state", {"state": "triaged"}).status_code == 302
    assert act("risk", {"risk": "high"}).status_code == 302
    assert act("assign", {"assignee": "colleague"}).status_code == 302
    assert act("note", {"body": "Family in Fujian may be at risk."}).status_code == 302
    assert act("reply", {"body": "Thank you. Are you safe right now?"}).status_code == 302
    assert act("link", {"station": station.pk}).status_code == 302
    report.refresh_from_db()
    assert (report.state, report.risk, report.assigned_to) == ("triaged", "high", colleague)
    note = Note.objects.get(report=report)
    assert b"Fujian" not in bytes(note.body_ct)
    with pytest.raises(crypto.DecryptionError):  # notes are not for the reporter
        crypto.decrypt(bytes(note.body_ct), [reporter_identity(receipt)])
    reply = Message.objects.get(report=report, author="analyst")
    assert crypto.decrypt(bytes(reply.body_ct), [reporter_identity(receipt)]).startswith(b"Thank you")
    actions = set(AuditEntry.objects.filter(subject_type="report", subject_id=str(report.pk)).values_list("action", flat=True))
    assert {"intake.state_set", "intake.risk_set", "intake.assigned", "intake.note_added", "intake.analyst_replied"} <= actions
    assert "intake.linked" in actions and list(report.stations.all()) == [station]
    # no audit row carries what anyone wrote
    for entry in AuditEntry.objects.all():
        assert "Fujian" not in str(entry.data) and "safe right now" not in str(entry.data)


def test_promote_creates_a_deidentified_amber_incident(inbox):
    report, _ = send_report(what_happened="Mr Li Wei of 12 Canal Street was threatened.")
    response = inbox.post(reverse("inbox:act", args=[report.pk, "promote"]), {
        "host_country": "NL", "month": "2025-03-17", "tactic": "persuaded_to_return", "target_category": "community_member",
        "summary": "A community member was pressed to return to China by people linked to a local association.",
    })
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.from_report and incident.marking == "amber"
    assert incident.date.day == 1 and incident.date_precision == "month"
    assert "Li Wei" not in incident.summary and "Canal" not in incident.summary
    report.refresh_from_db()
    assert report.incident == incident
    assert AuditEntry.objects.filter(action="intake.promoted").exists() and AuditEntry.objects.filter(action="incident.create").exists()
    # promoting twice is refused
    inbox.post(reverse("inbox:act", args=[report.pk, "promote"]), {"host_country": "NL", "tactic": "threats", "target_category": "unknown", "summary": "again"})
    assert Incident.objects.count() == 1


def test_attachment_download_is_byte_identical_and_never_inline(inbox):
    original = os.urandom(200_000)
    report, _ = send_report(attachments=[SimpleUploadedFile("scan 1.pdf", original, "application/pdf")])
    assert inbox.get(reverse("inbox:attachment", args=[report.pk, 0])).status_code == 302  # locked
    unlocked(inbox)
    response = inbox.get(reverse("inbox:attachment", args=[report.pk, 0]))
    assert response.status_code == 200 and response.content == original
    assert response["Content-Type"] == "application/octet-stream" and response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(action="intake.attachment_downloaded", subject_id=str(report.pk)).exists()
    assert inbox.get(reverse("inbox:attachment", args=[report.pk, 5])).status_code == 404


def test_hostile_inbox_input_gets_4xx(inbox):
    report, _ = send_report()
    # an invalid form value is refused with a message (302 back to the case); unknown things are 404
    for url, data, status in [
        (reverse("inbox:act", args=[report.pk, "state"]), {"state": "\x00"}, 302),
        (reverse("inbox:act", args=[report.pk, "assign"]), {"assignee": "nobody-like-this"}, 404),
        (reverse("inbox:act", args=[report.pk, "link"]), {"station": "99999999"}, 404),
        (reverse("inbox:act", args=[report.pk, "nonsense"]), {}, 404),
        (reverse("inbox:act", args=[99999999, "state"]), {"state": "new"}, 404),
        (reverse("inbox:act", args=[report.pk, "promote"]), {"host_country": "ZZ", "tactic": "threats", "summary": "x", "target_category": "unknown"}, 404),
    ]:
        assert inbox.post(url, data).status_code == status, url
    report.refresh_from_db()
    assert report.state == "new"
    assert inbox.get(reverse("inbox:report", args=[99999999])).status_code == 404


def test_admin_manages_recipients_and_resources(staff_client):
    admin = staff_client("admin")
    identity, public = crypto.identity_generate()
    assert admin.post(reverse("inbox:recipients"), {"label": "offline laptop", "public_key": public}).status_code == 302
    assert admin.post(reverse("inbox:recipients"), {"label": "bad", "public_key": "age1notakey"}).status_code == 400
    assert admin.post(reverse("inbox:resources"), {"country": "NL", "name": "Example helpline", "kind": "ngo", "contact": "+31 0 000 0000", "is_example": "on"}).status_code == 302
    assert admin.post(reverse("inbox:resources"), {"country": "QQ", "name": "x", "kind": "ngo"}).status_code == 400
    assert "Example helpline" in Client().get(reverse("intake:help")).content.decode()
    assert AuditEntry.objects.filter(action="intake.key_added_offline").exists()
    assert AuditEntry.objects.filter(action="intake.resource_created").exists()


def test_rekey_lets_a_later_analyst_read_an_older_report(inbox, make_analyst, django_capture_on_commit_callbacks):
    original = os.urandom(70_000)
    report, receipt = send_report(what_happened="Older report.", attachments=[SimpleUploadedFile("a.bin", original)])
    unlocked(inbox)
    inbox.post(reverse("inbox:act", args=[report.pk, "reply"]), {"body": "first reply"})
    inbox.post(reverse("inbox:act", args=[report.pk, "note"]), {"body": "first note"})
    newcomer = make_analyst("newcomer")
    from tnrwatch.intake import selectors

    with pytest.raises(crypto.DecryptionError):
        selectors.report_answers(report, [newcomer.identity])
    old_blob = report.attachments.get().blob_id
    with django_capture_on_commit_callbacks(execute=True):
        assert inbox.post(reverse("inbox:rekey", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert selectors.report_answers(report, [newcomer.identity])["what_happened"] == "Older report."
    assert selectors.attachment_plaintext(report.attachments.get(), [newcomer.identity]) == original
    assert [e.body for e in selectors.thread_decrypted(report, [newcomer.identity])] == ["first reply"]
    assert [e.body for e in selectors.notes_decrypted(report, [newcomer.identity])] == ["first note"]
    # the reporter can still read the thread, and the old ciphertext file is gone
    reporter = reporter_identity(receipt)
    assert [e.body for e in selectors.thread_decrypted(report, [reporter])] == ["first reply"]
    assert not services.blob_store().exists(old_blob)
    assert AuditEntry.objects.filter(action="intake.rekeyed", subject_id=str(report.pk)).exists()


UNLOCKED_NOTE = "Your key is unlocked for this session."
UNLOCK_BUTTON = "Unlock to read reports"


@pytest.fixture
def decryptions(monkeypatch):
    """Counts every call of the real age decryption (which still runs)."""
    calls = []
    real = crypto.decrypt

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(crypto, "decrypt", counting)
    return calls


def test_list_shows_whether_the_key_is_unlocked_without_decrypting(inbox, decryptions):
    report, _ = send_report()
    # Given a locked session, the list offers the unlock form
    page = inbox.get(reverse("inbox:list")).content.decode()
    assert UNLOCK_BUTTON in page and UNLOCKED_NOTE not in page
    # When the analyst unlocks, the list says so, and showing it decrypted nothing
    unlocked(inbox)
    decryptions.clear()
    page = inbox.get(reverse("inbox:list")).content.decode()
    assert UNLOCKED_NOTE in page and UNLOCK_BUTTON not in page
    assert decryptions == []
    # (the counter does see decryption: opening the report decrypts the unlock and the answers)
    assert "Two men from the association" in inbox.get(reverse("inbox:report", args=[report.pk])).content.decode()
    assert decryptions
    # Then locking makes the list offer the unlock form again
    assert inbox.post(reverse("inbox:lock")).status_code == 302
    page = inbox.get(reverse("inbox:list")).content.decode()
    assert UNLOCK_BUTTON in page and UNLOCKED_NOTE not in page
    assert unlock.SESSION_KEY not in inbox.session and unlock.SESSION_CHECK_KEY not in inbox.session
    # and the lock is audited, by the service, naming the analyst
    assert AuditEntry.objects.filter(action="intake.locked", actor_label=inbox.user.username).count() == 1


def test_list_says_locked_when_the_cookie_does_not_open_the_session(inbox):
    report, _ = send_report()
    unlocked(inbox)
    stale = inbox.cookies[unlock.COOKIE_NAME].value
    unlocked(inbox)  # a new unlock: a new key K in the cookie, a new ciphertext in the session
    inbox.cookies[unlock.COOKIE_NAME] = stale
    assert UNLOCK_BUTTON in inbox.get(reverse("inbox:list")).content.decode()
    # the report page agrees: the stale cookie opens nothing
    assert "Two men from the association" not in inbox.get(reverse("inbox:report", args=[report.pk])).content.decode()
    for broken in ["not base64 at all!", ""]:
        inbox.cookies[unlock.COOKIE_NAME] = broken
        assert UNLOCK_BUTTON in inbox.get(reverse("inbox:list")).content.decode()
    del inbox.cookies[unlock.COOKIE_NAME]
    assert UNLOCK_BUTTON in inbox.get(reverse("inbox:list")).content.decode()


@pytest.mark.parametrize(("language", "phrases"), [
    ("zh-hans", {"list": ["收件箱", "解锁以阅读报告", "分配给我的"], "unlocked": "您的密钥已在本次会话中解锁。",
                 "report": ["报告人填写的内容", "与报告人的对话", "目标类别", "转为事件"],
                 "wrong": "该口令无法解锁您的密钥。"}),
    ("zh-hant", {"list": ["收件匣", "解鎖以閱讀報告", "指派給我的"], "unlocked": "您的金鑰已在本次工作階段中解鎖。",
                 "report": ["報告人填寫的內容", "與報告人的對話", "目標類別", "轉為事件"],
                 "wrong": "該口令無法解鎖您的金鑰。"}),
])
def test_inbox_pages_are_in_the_chosen_chinese(inbox, language, phrases):
    report, _ = send_report()
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    page = inbox.get(reverse("inbox:list"), **headers).content.decode()
    assert f'<html lang="{language}">' in page
    for phrase in phrases["list"]:
        assert phrase in page
    # a view message is translated too
    wrong = inbox.post(reverse("inbox:unlock"), {"passphrase": "not my passphrase"}, follow=True, **headers)
    assert phrases["wrong"] in wrong.content.decode()
    inbox.post(reverse("inbox:unlock"), {"passphrase": PASSPHRASE}, **headers)
    assert phrases["unlocked"] in inbox.get(reverse("inbox:list"), **headers).content.decode()
    page = inbox.get(reverse("inbox:report", args=[report.pk]), **headers).content.decode()
    for phrase in phrases["report"]:
        assert phrase in page
    assert "Two men from the association" in page  # the reporter's own words are shown as written


def test_inbox_admin_pages_render_in_chinese(staff_client):
    admin = staff_client("admin")
    headers = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    assert "添加离线密钥" in admin.get(reverse("inbox:recipients"), **headers).content.decode()
    resources = admin.get(reverse("inbox:resources"), **headers).content.decode()
    assert "添加资源" in resources and f'<a href="{reverse("intake:help")}">帮助页面</a>' in resources
    assert "创建新密钥" in admin.get(reverse("inbox:key"), **headers).content.decode()
    refused = admin.post(reverse("inbox:resources"), {"country": "QQ", "name": "x", "kind": "ngo"}, **headers)
    assert refused.status_code == 400 and "未知的国家代码。" in refused.content.decode()


def test_report_page_finds_link_candidates_by_name_in_any_script_without_listing_the_registry(inbox):
    from tnrwatch.registry import services as registry

    netherlands = registry.country_get("NL")
    fuzhou = registry.station_create(actor=None, name_en="Fuzhou police service station, Rotterdam", name_zh="福州警侨服务站",
                                     country=netherlands, marking="clear")
    for i in range(30):  # more than the page would ever list
        registry.station_create(actor=None, name_en=f"Other station {i}", country=netherlands, marking="clear")
    association = registry.organization_create(actor=None, name_en="Example Fuqing Association", kind="host_organization", marking="amber")
    report, _ = send_report()
    page = lambda **params: inbox.get(reverse("inbox:report", args=[report.pk]), params).content.decode()  # noqa: E731
    assert "Other station" not in page() and "Fuzhou police" not in page()  # nothing listed until asked
    # traditional script finds the simplified name; the result links with one POST
    found = page(link_q="福州警僑")
    assert f'name="station" value="{fuzhou.pk}"' in found and "Other station" not in found
    assert f'value="{association.pk}"' in page(link_q="fuqing") and "Example Fuqing Association" in page(link_q="#" + str(association.pk))
    assert page(link_q="other").count('name="station"') == 20  # bounded
    assert "No station or organisation matches" in page(link_q="nowhere at all")
    assert inbox.post(reverse("inbox:act", args=[report.pk, "link"]), {"station": fuzhou.pk}).status_code == 302
    assert list(report.stations.all()) == [fuzhou]


@pytest.mark.parametrize("language, phrase", [("en", "This report has already been promoted."),
                                              ("zh-hans", "这份报告已经转为事件。"), ("zh-hant", "這份報告已經轉為事件。")])
def test_service_errors_reach_the_analyst_in_their_language(inbox, language, phrase):
    from datetime import date

    from tnrwatch.registry import services as registry

    report, _ = send_report()
    services.report_promote(actor=inbox.user, report=report, host_country=registry.country_get("NL"), tactic="coercion_by_proxy",
                            summary="A relative was pressed to return.", month=date(2025, 3, 1), target_category="unknown")
    response = inbox.post(reverse("inbox:act", args=[report.pk, "promote"]), {
        "host_country": "NL", "tactic": "coercion_by_proxy", "target_category": "unknown", "summary": "Again.",
    }, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert phrase in response.content.decode()

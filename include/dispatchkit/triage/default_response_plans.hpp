// dispatchkit/triage/default_response_plans.hpp: the built-in response plan table.
//
//   const ResponsePlanTable& t = ResponsePlanTable::default_table();   // parses this text
//
// The same bytes as data/triage/default_response_plans.csv (a test checks they are
// identical), compiled in so integrators without the data directory still get a table.
// Format and how an agency replaces the table: docs/triage.md. Edit the CSV, then
// regenerate this header from it (the raw string below is the whole file).
#pragma once

#include <string_view>

#include "dispatchkit/config.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// clang-format off
inline constexpr std::string_view kDefaultResponsePlansCsv = R"csv(# dispatchkit default response plan table (format: docs/triage.md).
# Generic rows map MPDS levels onto the four 120 grades; protocol rows override them where
# the protocol changes the response (specialty centre, extra units, infection control).
# Grades I and II are emergencies (lights and sirens, 8/12/14 min response targets in
# urban/rural/mountain-island areas); III urgent; IV non-urgent (triage/service_targets.hpp).
# An agency replaces this file with its own medical director's table: see docs/triage.md.
code,grade,travel_mode,resources,specialty,transport,may_preempt,note
*,II,lights_and_sirens,als&transport,none,yes,no,Unknown or unmapped code: conservative ALS response until re-triaged
*-E-*,I,lights_and_sirens,als&transport+aed_volunteer|first_responder,none,yes,III|IV,Echo: immediately life-threatening; nearest ALS plus nearest AED volunteer or first responder
*-D-*,II,lights_and_sirens,als&transport,none,yes,IV,Delta: life-threatening; ALS lights and sirens
*-C-*,III,lights_and_sirens,als&transport,none,yes,no,Charlie: urgent; ALS
*-B-*,III,normal,bls&transport,none,yes,no,Bravo: urgent but stable; BLS
*-A-*,IV,normal,bls&transport,none,yes,no,Alpha: non-urgent; BLS
*-O-*,IV,normal,none,none,no,no,Omega: no ambulance; refer to nurse line or primary care
I,I,lights_and_sirens,als&transport+aed_volunteer|first_responder,none,yes,III|IV,Grade I (life-threatening)
II,II,lights_and_sirens,als&transport,none,yes,IV,Grade II (critical)
III,III,normal,als&transport|bls&transport,none,yes,no,Grade III (urgent)
IV,IV,normal,bls&transport,none,yes,no,Grade IV (non-urgent)
6-E-*,I,lights_and_sirens,als&transport+aed_volunteer|first_responder,none,yes,III|IV,Breathing problems: ineffective breathing
9-E-*,I,lights_and_sirens,als&transport+aed_volunteer|first_responder,none,yes,II|III|IV,Cardiac or respiratory arrest: nearest ALS plus nearest AED volunteer or first responder
9-D-*,I,lights_and_sirens,als&transport+aed_volunteer|first_responder,none,yes,III|IV,Arrest with doubtful breathing or ineffective breathing
9-B-*,III,lights_and_sirens,bls&transport|als&transport,none,yes,no,Obvious or expected death questionable: confirm
9-O-*,IV,normal,none,none,no,no,Obvious or expected death: police/coroner; no ambulance
10-D-*,I,lights_and_sirens,als&transport+aed_volunteer|first_responder,chest_pain,yes,III|IV,Chest pain with arrest risk: chest pain (PCI) centre
10-C-*,II,lights_and_sirens,als&transport,chest_pain,yes,IV,Chest pain (suspected ACS): chest pain (PCI) centre
10-A-*,III,normal,als&transport|bls&transport,chest_pain,yes,no,Chest pain low acuity: chest pain centre
19-D-*,I,lights_and_sirens,als&transport,chest_pain,yes,III|IV,Heart problems: chest pain centre
19-C-*,II,lights_and_sirens,als&transport,chest_pain,yes,IV,Heart problems: chest pain centre
28-C-*,II,lights_and_sirens,als&transport,stroke,yes,IV,Stroke within the treatment window: stroke centre
28-A-*,III,lights_and_sirens,als&transport|bls&transport,stroke,yes,no,Stroke symptoms: stroke centre
17-D-*,II,lights_and_sirens,als&transport,trauma,yes,IV,Fall with dangerous injury: trauma centre
17-B-*,III,normal,bls&transport,trauma,yes,no,Fall with possibly dangerous injury: trauma centre
27-D-*,I,lights_and_sirens,als&transport+first_responder,trauma,yes,III|IV,Stab / gunshot / penetrating trauma: trauma centre with police
27-B-*,III,lights_and_sirens,als&transport+first_responder,trauma,yes,no,Penetrating trauma (peripheral): trauma centre with police
29-D-*,I,lights_and_sirens,als&transport+first_responder,trauma,yes,III|IV,Traffic collision with high mechanism: trauma centre; fire for extrication
29-B-*,III,lights_and_sirens,bls&transport,trauma,yes,no,Traffic collision with injuries: trauma centre
30-D-*,II,lights_and_sirens,als&transport,trauma,yes,IV,Traumatic injury (dangerous body area): trauma centre
30-B-*,III,normal,bls&transport,trauma,yes,no,Traumatic injury: trauma centre
34-D-*,II,lights_and_sirens,als&transport+first_responder,trauma,yes,IV,Automatic crash notification with injury: trauma centre
4-D-*,II,lights_and_sirens,als&transport+first_responder,trauma,yes,IV,Assault with dangerous injury: trauma centre with police
24-D-*,I,lights_and_sirens,als&transport,critical_maternal,yes,III|IV,Pregnancy / childbirth emergency: critical maternal centre
24-C-*,II,lights_and_sirens,als&transport,critical_maternal,yes,IV,Pregnancy (2nd trimester haemorrhage / 1st trimester pain): critical maternal centre
24-B-*,III,lights_and_sirens,bls&transport|als&transport,critical_maternal,yes,no,Labour: critical maternal centre
24-A-*,IV,normal,bls&transport,critical_maternal,yes,no,Pregnancy non-urgent: maternal centre
26-A-*,IV,normal,bls&transport,none,yes,no,Sick person without priority symptoms: BLS normal
36-E-*,I,lights_and_sirens,als&negative_pressure&transport+aed_volunteer|first_responder,none,yes,III|IV,Pandemic/infectious: arrest; negative-pressure ambulance
36-D-*,II,lights_and_sirens,als&negative_pressure&transport,none,yes,IV,Pandemic/infectious: severe; negative-pressure ambulance
36-C-*,III,lights_and_sirens,negative_pressure&transport,none,yes,no,Pandemic/infectious: urgent; negative-pressure ambulance
36-B-*,III,normal,negative_pressure&transport,none,yes,no,Pandemic/infectious: negative-pressure ambulance
36-A-*,IV,normal,negative_pressure&transport,none,yes,no,Pandemic/infectious: negative-pressure ambulance
36-O-*,IV,normal,none,none,no,no,Pandemic/infectious: advice line; no ambulance
NEONATAL,I,lights_and_sirens,neonatal&transport,critical_child,yes,III|IV,Local code: critically ill newborn; neonatal transport to critical child/newborn centre
PAED_CRIT,I,lights_and_sirens,als&transport,critical_child,yes,III|IV,Local code: critically ill child; critical child centre
INFECTIOUS,II,lights_and_sirens,negative_pressure&transport,none,yes,IV,Local code: suspected infectious disease; negative-pressure ambulance
)csv";
// clang-format on

DISPATCHKIT_NAMESPACE_END
